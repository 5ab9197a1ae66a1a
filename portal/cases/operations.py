"""Case operations: policy versions, wage history, opening and updating cases, the stop-pay action,
the personal-share account and logging who viewed a case.

Every change writes its ledger event through ``portal.evidence.ledger.append_event`` in the same
transaction (the subject employee's chain; policy versions on the portal-wide chain). These
functions flush but never commit: the route, CLI or demo loader commits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa

from portal.cases import rules
from portal.cases.calendar import holiday_calendar
from portal.cases.models import (
    CASE_FIELDS,
    STOP_ORIGINAL_PAY,
    CaseAction,
    CaseDependant,
    DeductionPlanRecord,
    InjuryCase,
    PolicyVersion,
    ShareEntry,
    WageMonth,
    facts_from,
)
from portal.cases.rules import (
    DEMO_POLICY,
    CaseFacts,
    EntryKind,
    MonthlyWage,
    RegionalPolicy,
)
from portal.core import bounds
from portal.core.types import local_today, utcnow
from portal.courses.operations import assign_injury_courses
from portal.evidence.ledger import Origin, append_event
from portal.extensions import db
from portal.notices.operations import push_scenario_notice
from portal.org.models import Employee

SUSPENSION_MONTHS_MAX = 12
EXTENSION_MONTHS_MAX = 12


# --- Regional policy ----------------------------------------------------------------------------


def policy_versions() -> list[PolicyVersion]:
    return list(db.session.execute(
        sa.select(PolicyVersion).order_by(PolicyVersion.valid_from.desc(), PolicyVersion.id.desc())).scalars())


def policies() -> list[RegionalPolicy]:
    return [v.to_policy() for v in policy_versions()]


def policy_on(on_date: date) -> RegionalPolicy | None:
    """The version in force on ``on_date`` of the portal's pooling region (the newest version's region)."""
    return policy_among(policies(), on_date)


def policy_among(versions: list[RegionalPolicy], on_date: date) -> RegionalPolicy | None:
    """:func:`policy_on` over given versions, newest first (e.g. those saved by a past date)."""
    if not versions:
        return None
    try:
        return rules.policy_in_force(versions, on_date, region=versions[0].region)
    except ValueError:
        return None


class PolicyExists(ValueError):
    """A version of this region is already valid from that date: choose another date."""


def save_policy(policy: RegionalPolicy, by_user_id: int | None, origin: Origin) -> PolicyVersion:
    """Store a new version (versions are never edited: the newest valid on a date applies)."""
    clash = db.session.execute(sa.select(PolicyVersion.id).where(
        PolicyVersion.region == policy.region, PolicyVersion.valid_from == policy.valid_from)).first()
    if clash:
        raise PolicyExists(policy.valid_from.isoformat())
    version = PolicyVersion.from_policy(policy, by_user_id)
    db.session.add(version)
    db.session.flush()
    append_event("policy_version_saved", employee_id=None, actor_user_id=by_user_id, origin=origin,
                 payload={"id": version.id, "region": version.region, "valid_from": version.valid_from.isoformat(),
                          "source": version.source, "values": version.values})
    return version


def ensure_demo_policy(origin: Origin) -> None:
    """The demo company's figures (``DEMO_POLICY``) unless a version is already stored."""
    if db.session.execute(sa.select(PolicyVersion.id)).first() is None:
        save_policy(DEMO_POLICY, None, origin)


# --- Wage history -------------------------------------------------------------------------------


def wage_history(employee_id: int) -> list[WageMonth]:
    return list(db.session.execute(sa.select(WageMonth).where(WageMonth.employee_id == employee_id)
                                   .order_by(WageMonth.year, WageMonth.month)).scalars())


def monthly_wages(employee_id: int) -> list[MonthlyWage]:
    return [MonthlyWage(w.year, w.month, w.wage) for w in wage_history(employee_id)]


class DuplicateMonth(ValueError):
    pass


def add_wage(employee: Employee, year: int, month: int, wage: Decimal, by_user_id: int | None,
             origin: Origin) -> WageMonth:
    """Record one month's contribution wage; a month already on record raises :class:`DuplicateMonth`."""
    wage = rules.yuan(wage, "wage")  # refuses a negative wage
    exists = db.session.execute(sa.select(WageMonth.id).where(
        WageMonth.employee_id == employee.id, WageMonth.year == year, WageMonth.month == month)).first()
    if exists:
        raise DuplicateMonth(f"{year}-{month:02d}")
    row = WageMonth(employee_id=employee.id, employee=employee, year=year, month=month, wage=wage,
                    created_by_id=by_user_id)
    db.session.add(row)
    db.session.flush()
    append_event("wage_recorded", employee_id=employee.id, actor_user_id=by_user_id, origin=origin,
                 payload={"year": year, "month": month, "wage": str(wage)})
    return row


PASTE_SEPARATORS = "\t ,，"


def parse_wage_rows(rows: list[tuple[str, str]], pasted: str) -> tuple[list[tuple[int, int, Decimal]], dict[str, str]]:
    """Wage months from the form's table (``(month, wage)`` text pairs, rows without a wage skipped) and from
    pasted lines ("2025-09 5100.00", tab, comma or space separated). Returns the months and, keyed
    by the field that holds the problem, the error codes: ``month`` (not YYYY-MM), ``wage`` (not a
    non-negative amount), ``repeated`` (the same month twice)."""
    found: list[tuple[str, str, str]] = [(f"row-{i}", month.strip(), wage.strip()) for i, (month, wage) in
                                         enumerate(rows) if wage.strip()]  # the months come prefilled
    for number, line in enumerate(pasted.splitlines(), start=1):
        if line.strip():
            month_text, _, wage_text = line.strip().partition(next((c for c in line.strip() if c in PASTE_SEPARATORS), " "))
            found.append((f"line-{number}", month_text, wage_text.strip(" ,，\t")))
    months: list[tuple[int, int, Decimal]] = []
    errors: dict[str, str] = {}
    seen: set[tuple[int, int]] = set()
    for key, month_text, wage_text in found:
        try:
            year, month = (int(part) for part in month_text.split("-"))
            if not 1 <= month <= 12 or not 1990 <= year <= 2100:
                raise ValueError
        except ValueError:
            errors[key] = "month"
            continue
        try:  # the same bounds as every amount field: finite, two places, fits Numeric(12, 2)
            wage = bounds.decimal_in_bounds(wage_text.replace("¥", ""))
        except bounds.OutOfBounds:
            errors[key] = "wage"
            continue
        if (year, month) in seen:
            errors[key] = "repeated"
            continue
        seen.add((year, month))
        months.append((year, month, wage))
    return months, errors


def add_wages(employee: Employee, months: list[tuple[int, int, Decimal]], by_user_id: int | None,
              origin: Origin) -> None:
    """Record several months in one go, all or nothing: a month already on record raises
    :class:`DuplicateMonth` before anything is written."""
    have = {(w.year, w.month) for w in wage_history(employee.id)}
    clash = sorted(m[:2] for m in months if m[:2] in have)
    if clash:
        raise DuplicateMonth(", ".join(f"{y}-{m:02d}" for y, m in clash))
    for year, month, wage in months:
        add_wage(employee, year, month, wage, by_user_id, origin)


def correct_wage(row: WageMonth, wage: Decimal, reason: str, by_user_id: int | None, origin: Origin) -> bool:
    """Correct a month's wage; the ledger keeps the old and the new value and the reason. An
    unchanged value records nothing (a second save of the same form)."""
    wage = rules.yuan(wage, "wage")
    if wage == row.wage:
        return False
    old = row.wage
    row.wage = wage
    db.session.flush()
    append_event("wage_corrected", employee_id=row.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"year": row.year, "month": row.month, "old": str(rules.quantize(old)), "new": str(wage),
                          "reason": reason})
    return True


def delete_wage(row: WageMonth, reason: str, by_user_id: int | None, origin: Origin) -> None:
    """Delete a month entered by mistake; the ledger keeps its value and the reason."""
    append_event("wage_deleted", employee_id=row.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"year": row.year, "month": row.month, "old": str(rules.quantize(row.wage)),
                          "reason": reason})
    db.session.delete(row)
    db.session.flush()


# --- Cases --------------------------------------------------------------------------------------


def case_errors(values: dict[str, Any], today: date, policy: RegionalPolicy | None) -> dict[str, str]:
    """Field -> error code for submitted case values: the months' limits (Art. 33 ¶2), then
    ``validate_case_facts`` with its field names mapped to the form's."""
    errors: dict[str, str] = {}
    months, extension = values.get("suspension_months"), values.get("extension_months")
    if months is not None and months < 0:
        errors["suspension_months"] = "before_start"
    elif months is not None and months > SUSPENSION_MONTHS_MAX:
        errors["suspension_months"] = "over_12_months"
    if extension is not None and extension < 0:
        errors["extension_months"] = "before_start"
    elif extension is not None and extension > EXTENSION_MONTHS_MAX:
        errors["extension_months"] = "over_12_months"
    if extension and months is None:
        errors["suspension_months"] = "required_with_extension"
    if extension and not values.get("extension_confirmed_date"):
        errors["extension_confirmed_date"] = "required_with_extension"
    confirmed = values.get("extension_confirmed_date")
    if confirmed and confirmed > today:
        errors["extension_confirmed_date"] = "future"
    if (months is not None or extension) and not values.get("suspension_start"):
        errors["suspension_start"] = "required"
    if policy is None:
        errors["accident_date"] = "no_policy"
    if errors:
        return errors
    mapping = {"suspension_planned_end": "suspension_months", "suspension_extended_end": "extension_months"}
    found = rules.validate_case_facts(facts_from(values), today, policy=policy)
    return {mapping.get(name, name): code for name, code in found.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(rules.quantize(value))
    return value.isoformat() if isinstance(value, date) else value


def open_case(employee: Employee, values: dict[str, Any], by_user_id: int | None, origin: Origin) -> InjuryCase:
    """Open a case (values already validated with :func:`case_errors`): the ``case_opened`` event,
    the injury process guide pushed and the injury courses assigned, in the caller's transaction."""
    case = InjuryCase(employee_id=employee.id, employee=employee, created_by_id=by_user_id, **values)
    db.session.add(case)
    db.session.flush()
    append_event("case_opened", employee_id=employee.id, actor_user_id=by_user_id, origin=origin,
                 payload={"case": case.id, "fields": {k: _plain(v) for k, v in values.items() if v not in (None, "")}})
    push_scenario_notice("injury-process-guide", employee, by_user_id, origin)
    assign_injury_courses(employee, by_user_id, origin)
    _after_change(case, by_user_id, origin)
    return case


def update_case(case: InjuryCase, values: dict[str, Any], by_user_id: int | None, origin: Origin) -> dict[str, list[Any]]:
    """Apply the changed values; records ``case_updated`` with each change as [old, new]."""
    changes = {name: [_plain(getattr(case, name)), _plain(value)]
               for name, value in values.items() if name in CASE_FIELDS and getattr(case, name) != value}
    if not changes:
        return {}
    for name in changes:
        setattr(case, name, values[name])
    case.updated_at = utcnow()
    db.session.flush()
    append_event("case_updated", employee_id=case.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"case": case.id, "changes": changes})
    _after_change(case, by_user_id, origin)
    return changes


def pay_stop_date(case: InjuryCase, policy: RegionalPolicy) -> date | None:
    """The first day without original pay once the grade is assessed (Regulations Art. 33 ¶2)."""
    concluded = case.assessment_concluded_date
    if concluded is None:
        return None
    facts = case.facts()
    if facts.suspensions:
        period = facts.suspensions[0]
        if concluded >= period.start:
            return rules.original_pay_stop_date(period.start, period.end, concluded, rule=policy.pay_stop_rule)
    return rules.original_pay_stop_date(concluded, concluded, concluded, rule=policy.pay_stop_rule)


def _after_change(case: InjuryCase, by_user_id: int | None, origin: Origin) -> None:
    """Automatic trigger, human confirmation: an assessment conclusion creates the pending action
    "stop original pay from <date>", pushes the benefit explanation and the pay-stop notice and
    assigns the disability course (all idempotent)."""
    if case.assessment_concluded_date is None:
        return
    policy = policy_on(case.accident_date)
    stop = pay_stop_date(case, policy) if policy else None
    if stop is None:
        return
    if any(a.kind == STOP_ORIGINAL_PAY and a.effective_date == stop for a in case.actions):
        return
    action = CaseAction(case=case, employee_id=case.employee_id, kind=STOP_ORIGINAL_PAY, effective_date=stop)
    db.session.add(action)
    db.session.flush()
    append_event("case_action_created", employee_id=case.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"case": case.id, "action": action.id, "kind": STOP_ORIGINAL_PAY,
                          "effective_date": stop.isoformat(), "grade": case.grade,
                          "concluded": case.assessment_concluded_date.isoformat()})
    employee = case.employee
    push_scenario_notice("disability-benefit-explanation", employee, by_user_id, origin)
    push_scenario_notice("original-pay-stop", employee, by_user_id, origin)
    assign_injury_courses(employee, by_user_id, origin)


class AlreadyConfirmed(Exception):
    pass


def confirm_action(action: CaseAction, by_user_id: int, origin: Origin) -> None:
    """HR confirms the triggered action; the confirmation is an event on the employee's chain."""
    if action.confirmed_at is not None:
        raise AlreadyConfirmed
    action.confirmed_at = utcnow()
    action.confirmed_by_id = by_user_id
    append_event("case_action_confirmed", employee_id=action.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"case": action.case_id, "action": action.id, "kind": action.kind,
                          "effective_date": action.effective_date.isoformat()})


VIEW_LOG_INTERVAL = timedelta(hours=1)


def recent_views(employee_id: Any, actor_user_id: Any) -> sa.Select:
    """The bodies of the case views this person logged about this employee within the last
    ``VIEW_LOG_INTERVAL`` (the time bound as the parameter ``since``)."""
    from portal.evidence.models import EvidenceEvent

    return sa.select(EvidenceEvent.body).where(
        EvidenceEvent.event_type == "case_viewed", EvidenceEvent.employee_id == employee_id,
        EvidenceEvent.actor_user_id == actor_user_id, EvidenceEvent.occurred_at > sa.bindparam("since"))


@cache
def _recent_views_statement() -> sa.Select:
    return recent_views(sa.bindparam("employee_id"), sa.bindparam("actor_user_id"))


VIEWS_SEPARATOR = "\x1f"  # never inside a body: JSON writes control characters escaped


class ViewedCase(Protocol):
    """What recording a view needs of a case: the case record, or its id and employee read as columns."""

    @property
    def id(self) -> int: ...

    @property
    def employee_id(self) -> int: ...


def record_view(case: ViewedCase, by_user_id: int, origin: Callable[[], Origin], own: bool,
                recent: list[str] | None = None) -> bool:
    """Who opened the case: sensitive personal information (PIPL Arts. 28–29). Logged once per
    person per case per hour, so the pages HR returns to after each save do not bury the record
    in repeats; returns whether this view was logged. ``origin`` is asked only for a view logged.
    ``recent``: the bodies of :func:`recent_views` when the caller read them with its own statement."""
    if recent is None:
        recent = list(db.session.execute(_recent_views_statement(), {
            "employee_id": case.employee_id, "actor_user_id": by_user_id, "since": view_log_since()}).scalars())
    if any(json.loads(body)["payload"].get("case") == case.id for body in recent):
        return False
    append_event("case_viewed", employee_id=case.employee_id, actor_user_id=by_user_id, origin=origin(),
                 payload={"case": case.id, "own": own})
    return True


def view_log_since() -> datetime:
    return utcnow() - VIEW_LOG_INTERVAL


@cache
def _cases_statement(with_rows: bool) -> sa.Select:
    """Built once with the employee as a parameter, as the employee pages' statements are."""
    rows = (sa.orm.joinedload(InjuryCase.actions), sa.orm.joinedload(InjuryCase.entries),
            sa.orm.joinedload(InjuryCase.dependants)) if with_rows else ()
    return (sa.select(InjuryCase).options(*rows).where(InjuryCase.employee_id == sa.bindparam("employee_id"))
            .order_by(InjuryCase.accident_date.desc(), InjuryCase.id.desc()))


def cases_of(employee_id: int, with_rows: bool = False) -> list[InjuryCase]:
    """One employee's cases, newest first; ``with_rows``: with the rows their figures read (actions,
    entries, dependants: an employee's few) joined into the same statement."""
    return list(db.session.execute(_cases_statement(with_rows), {"employee_id": employee_id}).unique().scalars())


# --- Computed view of a case --------------------------------------------------------------------


@dataclass
class CaseView:
    """What the pages show of one case, computed by the rules engine from the stored facts."""

    case: InjuryCase
    facts: CaseFacts
    policy: RegionalPolicy | None
    timeline: list[rules.TimelineItem]
    status: rules.StatusSentence | None
    own_wage: rules.OwnWage | None
    benefits: list[rules.BenefitResult]
    monthly_share: rules.BenefitResult | None
    account: rules.CaseAccount
    subsidy: rules.BenefitResult | None
    dependants: rules.DependantPensions | None = None  # a death case's pensions, once the own wage is known

    @property
    def next_deadline(self) -> rules.TimelineItem | None:
        open_items = [i for i in self.timeline if i.kind is rules.ItemKind.DEADLINE and not i.optional
                      and i.status in (rules.ItemStatus.DUE, rules.ItemStatus.OVERDUE, rules.ItemStatus.UPCOMING)]
        return min(open_items, key=lambda i: i.date) if open_items else None


def death_items(case: InjuryCase, own: rules.OwnWage | None, on_death: RegionalPolicy) -> tuple[
        list[rules.BenefitResult], rules.DependantPensions | None]:
    """The funeral subsidy, each recorded dependant's monthly pension and the one-time work-death
    subsidy, on the figures in force on the date of death (Regulations Art. 39 ¶1); a grade 1–4
    worker who dies after the paid suspension period gets no work-death subsidy (Art. 39 ¶3). The
    pensions (with their capped total) need the own wage; the total is capped at the wage before
    death, the unclamped average (Art. 39 ¶1(2))."""
    facts = case.facts()
    assert facts.death_date is not None
    after = bool(facts.suspensions) and facts.death_date > facts.suspensions[0].end
    grade = facts.final_grade
    pensions = None if own is None else rules.dependants_pensions(
        own, [d.to_dependant() for d in case.dependants], on_death)
    items = [rules.funeral_subsidy(on_death), *(pensions.items if pensions else ())]
    if not (after and grade is not None and grade <= 4):
        items.append(rules.death_subsidy(on_death))
    return items, pensions


def case_view(case: InjuryCase, today: date | None = None) -> CaseView:
    return case_view_from(case, policy_on(case.accident_date), monthly_wages(case.employee_id), today or local_today())


# What a list of cases reads with each case: its stop-pay actions, account entries, dependants and
# the employee's department. Put on the query that selects the cases, these load in one statement
# per kind whatever the number of cases.
CASE_ROWS = (sa.orm.selectinload(InjuryCase.actions), sa.orm.selectinload(InjuryCase.entries),
             sa.orm.selectinload(InjuryCase.dependants),
             sa.orm.selectinload(InjuryCase.employee).selectinload(Employee.department))


@dataclass(frozen=True)
class SharedInputs:
    """What every case's figures read besides its own rows: the policy versions (newest first) and
    the rest-day calendar, read once for a list of cases."""

    policies: list[RegionalPolicy]
    rest_days: rules.HolidayCalendar

    @classmethod
    def load(cls) -> SharedInputs:
        return cls(policies(), holiday_calendar())

    def policy_on(self, on_date: date) -> RegionalPolicy | None:
        return policy_among(self.policies, on_date)


# Ids per IN list, as selectinload batches them: SQLite refuses a statement with too many parameters.
IN_BATCH = 500


def wages_of(employee_ids: Iterable[int]) -> dict[int, list[MonthlyWage]]:
    """Each employee's wage history in month order, in one statement per 500 employees."""
    ids = sorted(set(employee_ids))
    history: dict[int, list[MonthlyWage]] = {employee_id: [] for employee_id in ids}
    for start in range(0, len(ids), IN_BATCH):
        rows = db.session.execute(sa.select(WageMonth.employee_id, WageMonth.year, WageMonth.month, WageMonth.wage)
                                  .where(WageMonth.employee_id.in_(ids[start:start + IN_BATCH]))
                                  .order_by(WageMonth.employee_id, WageMonth.year, WageMonth.month))
        for employee_id, year, month, wage in rows:
            history[employee_id].append(MonthlyWage(year, month, wage))
    return history


def case_views(cases: Iterable[InjuryCase], today: date | None = None) -> list[CaseView]:
    """:func:`case_view` of each case, with the same figures, in a fixed number of statements: the
    policy versions, holidays and all the wage histories are read once. Select the cases with
    :data:`CASE_ROWS` so their own rows load in bulk too."""
    cases = list(cases)
    shared = SharedInputs.load()
    wages = wages_of(c.employee_id for c in cases)
    on = today or local_today()
    return [case_view_from(c, shared.policy_on(c.accident_date), wages[c.employee_id], on, shared) for c in cases]


def case_view_from(case: InjuryCase, policy: RegionalPolicy | None, wages: list[MonthlyWage], today: date,
                   shared: SharedInputs | None = None) -> CaseView:
    """:func:`case_view` from given inputs: the policy and wages as they were known on a past date
    rebuild what the page said then; ``shared`` saves reading the versions and holidays again."""
    facts = case.facts()
    timeline, status = [], None
    own, benefits, share, subsidy, pensions = None, [], None, None, None
    if policy is not None:
        rest_days = shared.rest_days if shared else holiday_calendar()
        try:
            timeline = rules.case_timeline(facts, policy, today, rest_days)
            status = rules.case_status_sentence(facts, policy, today, rest_days)
        except rules.CaseFactsError:  # facts valid when saved can turn invalid only by a clock change
            timeline, status = [], None
        contract = case.contract_monthly_wage
        try:
            own = rules.own_wage(wages, case.accident_date, policy, contract_wage=contract)
        except ValueError:
            own = None
        if own is not None:
            if facts.suspension_start is not None:
                benefits.append(rules.suspension_wage(rules.pre_injury_average_wage(
                    wages, case.accident_date, rule=policy.own_wage_rule, contract_wage=contract)))
            grade = facts.final_grade
            if grade is not None:
                subsidy = rules.one_time_disability_subsidy(grade, own)
                benefits.append(subsidy)
                if rules.has_disability_allowance(grade):
                    benefits.append(rules.disability_allowance(grade, own, policy.minimum_monthly_wage))
            share = rules.personal_share(own.average, policy)
        if facts.care_level is not None and facts.final_grade is not None:
            benefits.append(rules.care_fee(facts.care_level, policy))
        if facts.death_date is not None:
            on_death = (shared.policy_on if shared else policy_on)(case.death_date)
            items, pensions = death_items(case, own, on_death or policy)
            benefits.extend(items)
    account = rules.case_account(case.ledger_entries(), today, subsidy.amount if subsidy else None)
    return CaseView(case, facts, policy, timeline, status, own, benefits, share, account, subsidy, pensions)


# --- The personal-share account -----------------------------------------------------------------


def add_entry(case: InjuryCase, kind: EntryKind, amount: Decimal, on: date, by_user_id: int | None, origin: Origin,
              period: tuple[int, int] | None = None, source: str = "", note: str = "") -> ShareEntry:
    """One movement on the account, with its ledger event; there is no "waived" kind (SPC
    Interpretation (II) on Labour Disputes Art. 19: giving up social insurance is void)."""
    entry = rules.LedgerEntry(kind, amount, on, period, source, note)  # validates: never negative
    row = ShareEntry(case=case, employee_id=case.employee_id, kind=entry.kind, amount=entry.amount, on_date=on,
                     period_year=period[0] if period else None, period_month=period[1] if period else None,
                     source=source, note=note, created_by_id=by_user_id)
    db.session.add(row)
    db.session.flush()
    append_event("share_entry_recorded", employee_id=case.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"case": case.id, "entry": row.id, "kind": entry.kind.value, "amount": str(entry.amount),
                          "on": on.isoformat(), "period": f"{period[0]}-{period[1]:02d}" if period else None,
                          "source": source, "note": note})
    return row


def suspension_months(case: InjuryCase) -> list[tuple[int, int]]:
    """The (year, month)s of the paid suspension period, one per started month of its length, up
    to the last day of original pay (an assessment may end it early, Art. 33 ¶2)."""
    return suspension_months_under(case, policy_on(case.accident_date))


def suspension_months_under(case: InjuryCase, policy: RegionalPolicy | None) -> list[tuple[int, int]]:
    """:func:`suspension_months` under the case's policy, already read."""
    facts = case.facts()
    if not facts.suspensions:
        return []
    period = facts.suspensions[0]
    last = period.end
    stop = pay_stop_date(case, policy) if policy else None
    if stop is not None:
        last = min(last, stop - timedelta(days=1))
    count = 1
    while rules.add_months(period.start, count) < last:
        count += 1
    months = []
    for index in range(count):
        first = rules.add_months(period.start.replace(day=1), index)
        months.append((first.year, first.month))
    return months


def record_owed_for_suspension(case: InjuryCase, by_user_id: int | None, origin: Origin) -> list[ShareEntry]:
    """OWED entries for each suspension month not yet on the account, at the monthly personal share
    on the pre-injury average wage (the employer keeps paying contributions during the period).
    The case is locked first, so two clicks at once record each month once."""
    lock_case(case)
    view = case_view(case)
    if view.monthly_share is None:
        return []
    have = {e.period for e in case.entries if e.kind is EntryKind.OWED}
    created = []
    for year, month in suspension_months(case):
        if (year, month) in have:
            continue
        on = date(year, month, 1)
        created.append(add_entry(case, EntryKind.OWED, view.monthly_share.amount, on, by_user_id, origin,
                                 period=(year, month), note="personal_share"))
    return created


class NothingToDeduct(ValueError):
    pass


def lock_case(case: InjuryCase) -> InjuryCase:
    """Lock the case until commit, so two changes to its account queue instead of both reading the
    same balance: SELECT … FOR UPDATE on PostgreSQL; on SQLite a write to the row, which takes the
    database's write lock (SQLite has no row locks). The case and its entries are then re-read."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(InjuryCase.id).where(InjuryCase.id == case.id).with_for_update())
    else:
        db.session.execute(sa.update(InjuryCase).where(InjuryCase.id == case.id)
                           .values(updated_at=InjuryCase.updated_at))
    db.session.refresh(case)
    db.session.expire(case, ["entries", "actions", "dependants"])
    return case


def apply_deduction_plan(case: InjuryCase, instalments: int, first_date: date, by_user_id: int | None,
                         origin: Origin, token: str, amount: Decimal | None = None) -> rules.DeductionPlan | None:
    """Deduct ``amount`` (default: everything still owed once the schedule is made) from what remains
    of the fund-paid one-time disability subsidy, at once or in ``instalments`` monthly parts from
    ``first_date`` (多退少补, the source case; Social Insurance Law Art. 60).

    The case is locked first; a ``token`` already used returns ``None`` and changes nothing (a double
    click or a retry). Raises :class:`NothingToDeduct` when nothing is owed or no subsidy is left, and
    ``rules.OverDeduction`` (with the excess) for an amount above the debt or the subsidy left.
    """
    lock_case(case)
    if db.session.execute(sa.select(DeductionPlanRecord.id).where(DeductionPlanRecord.token == token)).first():
        return None
    view = case_view(case)
    account = view.account
    if view.subsidy is None or account.after_schedule <= 0 or account.subsidy_left <= 0:
        raise NothingToDeduct
    if amount is None:
        amount = min(account.after_schedule, account.subsidy_left)
    rules.check_deduction(account, amount)
    plan = rules.deduction_plan(amount, account.subsidy_left, instalments)
    dates = [rules.add_months(first_date, i) for i in range(len(plan.instalments))]
    case.deduction_instalments = instalments
    db.session.add(DeductionPlanRecord(case_id=case.id, token=token, amount=plan.total, instalments=instalments,
                                       first_date=first_date, created_by_id=by_user_id))
    append_event("share_deduction_planned", employee_id=case.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"case": case.id, "instalments": [str(i) for i in plan.instalments],
                          "dates": [d.isoformat() for d in dates], "balance": str(account.after_schedule),
                          "source_amount": str(account.subsidy_left),
                          "to_collect": str(account.after_schedule - plan.total)})
    for entry in rules.deduction_entries(plan, dates, rules.SUBSIDY_SOURCE):
        add_entry(case, entry.kind, entry.amount, entry.on, by_user_id, origin, source=entry.source)
    return plan


# --- Dependants of a worker who died ----------------------------------------------------------


class NotADeathCase(ValueError):
    pass


def add_dependant(case: InjuryCase, dependant: rules.Dependant, by_user_id: int | None,
                  origin: Origin) -> CaseDependant | None:
    """Record a dependant of a worker who died (Regulations Art. 39 ¶1(2)). The case is locked
    first; the same name and relation already on the case changes nothing and returns ``None`` (a
    double click or a retry). Raises :class:`NotADeathCase` without a date of death, and
    ``rules.DependantError`` for a relative who does not qualify as recorded."""
    lock_case(case)
    if case.death_date is None:
        raise NotADeathCase
    if any(d.name == dependant.label and d.relation is dependant.relation for d in case.dependants):
        return None
    rules.check_dependants([*(d.to_dependant() for d in case.dependants), dependant])
    row = CaseDependant(case=case, employee_id=case.employee_id, name=dependant.label, relation=dependant.relation,
                        condition=dependant.condition, lone=dependant.lone, created_by_id=by_user_id)
    db.session.add(row)
    db.session.flush()
    append_event("dependant_recorded", employee_id=case.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"case": case.id, "dependant": row.id, "name": row.name, "relation": row.relation.value,
                          "condition": row.condition.value, "lone": row.lone})
    return row


def remove_dependant(case: InjuryCase, dependant_id: int, reason: str, by_user_id: int | None,
                     origin: Origin) -> bool:
    """Remove a dependant recorded by mistake or no longer qualifying, with a reason the ledger
    keeps with what was recorded; one already removed changes nothing (returns False)."""
    lock_case(case)
    row = next((d for d in case.dependants if d.id == dependant_id), None)
    if row is None:
        return False
    append_event("dependant_removed", employee_id=case.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"case": case.id, "dependant": row.id, "name": row.name, "relation": row.relation.value,
                          "condition": row.condition.value, "lone": row.lone, "reason": reason})
    db.session.delete(row)
    db.session.flush()
    return True


def events_of_case(case: InjuryCase) -> list[Any]:
    """The case's ledger events: the subject employee's events that name this case, and the
    corrections of the wages its figures rest on."""
    from portal.evidence.models import EvidenceEvent

    rows = db.session.execute(sa.select(EvidenceEvent).where(EvidenceEvent.employee_id == case.employee_id)
                              .order_by(EvidenceEvent.seq.desc())).scalars()
    return [e for e in rows if e.event_type in ("wage_corrected", "wage_deleted")
            or json.loads(e.body)["payload"].get("case") == case.id]


# The case field each timeline event is recorded in.
EVENT_FIELDS = {
    rules.Code.ACCIDENT: "accident_date", rules.Code.REPORTED: "reported_date",
    rules.Code.RECOGNITION_APPLIED: "recognition_applied_date",
    rules.Code.RECOGNITION_ACCEPTED: "recognition_accepted_date",
    rules.Code.RECOGNITION_DECIDED: "recognition_decided_date", rules.Code.DECISION_SERVED: "decision_served_date",
    rules.Code.SUSPENSION_STARTED: "suspension_start", rules.Code.ASSESSMENT_APPLIED: "assessment_applied_date",
    rules.Code.ASSESSMENT_CONCLUDED: "assessment_concluded_date",
    rules.Code.REASSESSMENT_APPLIED: "reassessment_applied_date",
    rules.Code.REASSESSMENT_CONCLUDED: "reassessment_concluded_date",
    rules.Code.RETURNED_TO_WORK: "returned_to_work_date", rules.Code.LEFT: "left_date", rules.Code.DEATH: "death_date",
}


@cache
def _recorders_statement() -> sa.Select:
    """The events that set a case's dates or confirm its actions, oldest first (the last setter
    wins), with their recorders' names."""
    from portal.auth.models import User
    from portal.evidence.models import EvidenceEvent

    return (sa.select(EvidenceEvent.event_type, EvidenceEvent.occurred_at, EvidenceEvent.body,
                      EvidenceEvent.actor_user_id, User.username, Employee.name)
            .outerjoin(User, User.id == EvidenceEvent.actor_user_id).outerjoin(Employee, Employee.id == User.employee_id)
            .where(EvidenceEvent.employee_id == sa.bindparam("employee_id"),
                   EvidenceEvent.event_type.in_(("case_opened", "case_updated", "case_action_confirmed")))
            .order_by(EvidenceEvent.seq))


def recorded_by(case: InjuryCase, until: datetime | None = None) -> dict[rules.Code, str]:
    """Who recorded each done step: the last person who set its date on the case, and for the pay
    stop the person who confirmed it; read from the case's ledger events (those recorded by
    ``until``, for a reconstruction of an earlier day), with the recorders' names, in one statement."""
    rows = db.session.execute(_recorders_statement(), {"employee_id": case.employee_id})
    setters: dict[str, int | None] = {}
    stop_confirmed_by: int | None = None
    names: dict[int, str] = {}
    for event_type, occurred_at, body, actor_id, username, employee_name in rows:
        if until is not None and occurred_at > until:
            break
        payload = json.loads(body)["payload"]
        if payload.get("case") != case.id:
            continue
        if actor_id is not None and username is not None:
            names[actor_id] = username if employee_name is None else employee_name  # as ``User.display_name``
        if event_type == "case_opened":
            setters.update(dict.fromkeys(payload.get("fields", {}), actor_id))
        elif event_type == "case_updated":
            setters.update(dict.fromkeys(payload.get("changes", {}), actor_id))
        elif payload.get("kind") == STOP_ORIGINAL_PAY:
            stop_confirmed_by = actor_id
    actors = {code: setters.get(name) for code, name in EVENT_FIELDS.items()}
    if stop_confirmed_by is not None:
        actors[rules.Code.ORIGINAL_PAY_STOPS] = stop_confirmed_by
    return {code: names[i] for code, i in actors.items() if i in names}
