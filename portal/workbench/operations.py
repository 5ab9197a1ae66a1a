"""Workbench operations: the risk scan, the cost lines, the approval workflow, imports and exports,
reminders and notifications. Functions flush; the route or CLI commits (a scan or a reminder run
commits itself, once)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.auth.models import User
from portal.auth.policy import Role
from portal.cases import operations as cases
from portal.cases import rules
from portal.cases.calendar import holiday_calendar
from portal.cases.models import InjuryCase
from portal.cases.rules import EntryKind
from portal.core.records import streamed
from portal.core.types import local_today, utcnow
from portal.courses.models import Assignment, Course
from portal.evidence.ledger import NewEvent, Origin, append_event, append_events
from portal.extensions import db
from portal.notices.models import Notice, NoticeDelivery, NoticeVersion
from portal.notifications.operations import NewNotification, notify, notify_many, path_for
from portal.org.labels import CONTRACT_LABELS, STATUS_LABELS
from portal.org.models import Department, Employee, department_managers
from portal.org.operations import announce_changes
from portal.org.rules import EmploymentStatus
from portal.workbench import alerts as alert_rules
from portal.workbench import importing, workflow
from portal.workbench.costs import Category, CostLine
from portal.workbench.models import (
    ACKNOWLEDGED,
    OPEN,
    RESOLVED,
    InjuryReport,
    ReportDecision,
    RiskAlert,
    SentReminder,
    WorkflowStep,
)
from portal.workbench.reminders import PendingItem, reminders_due


def _insert(model: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for the session's dialect (safe on several servers at once)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(model)


def _claim(model: Any, rows: list[dict[str, Any]]) -> set[str]:
    """Insert the rows whose ``key`` is new and return those keys: rows another run inserted first
    are skipped by the unique key (one statement, executed for many rows)."""
    table = model.__table__  # Core statements: the ORM's bulk bookkeeping would double the cost
    statement = _insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
    return set(db.session.execute(statement, rows).scalars())


# --- Risk alerts --------------------------------------------------------------------------------


T = TypeVar("T")
STOP_PAY = cases.STOP_ORIGINAL_PAY


def case_snapshot(view: cases.CaseView) -> tuple[alert_rules.CaseSnapshot, rules.RegionalPolicy] | None:
    """What the alert rules need of one case, from the same computation the case pages use."""
    case = view.case
    if view.policy is None:
        return None
    stop = cases.pay_stop_date(case, view.policy)
    confirmed = any(a.kind == STOP_PAY and a.effective_date == stop and a.confirmed_at is not None for a in case.actions)
    return alert_rules.CaseSnapshot(case.id, case.employee_id, view.facts, stop, confirmed, view.account.balance), view.policy


BATCH = 2000  # rows per statement and per commit in the batch jobs: constant memory at any size (about 190 MB)


def keyset_batches(statement: sa.Select[Any], key: Any, size: int | None = None) -> Iterator[list[Any]]:
    """The rows of ``statement`` in lists of ``size`` (default ``BATCH``), ordered by ``key`` (its
    first column); each list is a fresh query after the last key seen, so callers may commit
    between lists."""
    last = None
    while True:
        page = statement.order_by(key).limit(size or BATCH)
        rows = db.session.execute(page if last is None else page.where(key > last)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def overdue_acknowledgements(today: date) -> Iterator[list[alert_rules.PendingAcknowledgement]]:
    """Courses and notices still unacknowledged after their due date, in batches."""
    courses = sa.select(Assignment.id, Assignment.employee_id, Assignment.due_date).where(
        Assignment.is_current.is_(True), Assignment.acknowledged_at.is_(None), Assignment.due_date < today)
    for rows in keyset_batches(courses, Assignment.id):
        yield [alert_rules.PendingAcknowledgement("course", *row, False) for row in rows]
    notices = sa.select(NoticeDelivery.id, NoticeDelivery.employee_id, NoticeDelivery.due_date).where(
        NoticeDelivery.acknowledged_at.is_(None), NoticeDelivery.due_date < today)
    for rows in keyset_batches(notices, NoticeDelivery.id):
        yield [alert_rules.PendingAcknowledgement("notice", *row, False) for row in rows]


def case_alerts(today: date) -> Iterator[list[alert_rules.Alert]]:
    rest_days = holiday_calendar()
    every_case = sa.select(InjuryCase.id, InjuryCase).options(*cases.CASE_ROWS)
    for rows in keyset_batches(every_case, InjuryCase.id, size=min(BATCH, 100)):
        found: list[alert_rules.Alert] = []
        for view in cases.case_views([case for _, case in rows], today):
            snapshot = case_snapshot(view)
            if snapshot is not None:
                found.extend(alert_rules.case_alerts(snapshot[0], snapshot[1], today, rest_days))
        yield found


@dataclass
class ScanResult:
    new: int = 0
    still_open: int = 0
    resolved: int = 0

    def line(self) -> str:
        return f"{self.new} new, {self.still_open} still raised, {self.resolved} resolved"


def scan(today: date) -> ScanResult:
    """Run the rules and upsert by key, a batch at a time (one commit each): new alerts are
    inserted (insert-or-ignore on the unique key), alerts seen again get ``last_seen_at``; at the
    end, open alerts this run did not see are resolved. An alert HR resolved stays resolved while
    it is raised again (its key carries the deadline, so a new deadline is a new alert).
    ``last_seen_at`` only moves forward, so two scans at once never resolve what either saw."""
    result = ScanResult()
    now = utcnow()
    batches = itertools.chain(case_alerts(today), (alert_rules.acknowledgement_alerts(items, today)
                                                   for items in overdue_acknowledgements(today)))
    for alerts in batches:
        _upsert_alerts({a.key: a for a in alerts}, now, result)
        db.session.commit()
    resolved = db.session.execute(sa.update(RiskAlert).where(RiskAlert.status != RESOLVED, RiskAlert.last_seen_at < now)
                                  .values(status=RESOLVED, resolved_at=now))
    result.resolved = resolved.rowcount
    db.session.commit()
    return result


def _upsert_alerts(alerts: dict[str, alert_rules.Alert], now: datetime, result: ScanResult) -> None:
    if not alerts:
        return
    values = [dict(key=key, code=a.code.value, severity=int(a.severity), subject_kind=a.subject_kind,
                   subject_id=a.subject_id, employee_id=a.employee_id, due=a.due, owner_role=a.owner_role,
                   article_zh=a.article_zh, article_en=a.article_en, params_json=json.dumps(dict(a.params)),
                   status=OPEN, first_seen_at=now, last_seen_at=now) for key, a in alerts.items()]
    inserted = _claim(RiskAlert, values)
    seen_again = [key for key in alerts if key not in inserted]
    if seen_again:
        db.session.execute(sa.update(RiskAlert).where(RiskAlert.key.in_(seen_again), RiskAlert.last_seen_at < now)
                           .values(last_seen_at=now))
    result.new += len(inserted)
    result.still_open += len(seen_again)


class AlertStateError(ValueError):
    pass


def acknowledge_alert(alert: RiskAlert, by_user_id: int, origin: Origin) -> None:
    if alert.status != OPEN:
        raise AlertStateError(alert.status)
    alert.status, alert.acknowledged_at, alert.acknowledged_by_id = ACKNOWLEDGED, utcnow(), by_user_id
    append_event("alert_acknowledged", employee_id=alert.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"alert": alert.key, "code": alert.code})


def resolve_alert(alert: RiskAlert, by_user_id: int, origin: Origin) -> None:
    if alert.status == RESOLVED:
        raise AlertStateError(alert.status)
    alert.status, alert.resolved_at, alert.resolved_by_id = RESOLVED, utcnow(), by_user_id
    append_event("alert_resolved", employee_id=alert.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"alert": alert.key, "code": alert.code})


# --- Cost report --------------------------------------------------------------------------------


def _month(day: date) -> date:
    return day.replace(day=1)


DEATH_BENEFITS = frozenset({"funeral_subsidy", "one_time_death_subsidy", "dependant_pension"})


def case_cost_lines(case: InjuryCase, today: date, locale: str = "zh_CN") -> list[CostLine]:
    """The case's costs from the case page's own figures (``case_view``): the suspension wage and
    the employer's contributions for each suspension month, fund and employer benefits (one-time
    amounts in the month of the assessment, monthly ones from the pay-stop month up to this month),
    and the personal-share account's withheld and deducted entries and its outstanding balance."""
    return view_cost_lines(cases.case_view(case, today), today, locale)


def view_cost_lines(view: cases.CaseView, today: date, locale: str) -> list[CostLine]:
    """:func:`case_cost_lines` from the case's computed view."""
    case = view.case
    department = case.employee.department.name(locale)
    lines: list[CostLine] = []

    def add(month: date, category: Category, amount: Decimal) -> None:
        if amount:
            lines.append(CostLine(case.id, department, _month(month), category, amount))

    months = [date(y, m, 1) for y, m in cases.suspension_months_under(case, view.policy)]
    months = [m for m in months if m <= _month(today)]
    for benefit in view.benefits:
        if benefit.code == "suspension_wage_monthly":
            for month in months:
                add(month, Category.SUSPENSION_WAGES, benefit.amount)
    if view.own_wage is not None and view.policy is not None:
        c = rules.contributions(view.own_wage.average, view.policy)
        for month in months:
            add(month, Category.EMPLOYER_SOCIAL_INSURANCE, c.employer.amount)
            add(month, Category.EMPLOYER_HOUSING_FUND, c.housing_fund_employer.amount)
    concluded = case.assessment_concluded_date
    stop = cases.pay_stop_date(case, view.policy) if view.policy else None
    died = case.death_date
    for benefit in view.benefits:
        if benefit.code == "suspension_wage_monthly" or benefit.payer is rules.Payer.EMPLOYEE:
            continue
        category = Category.FUND_BENEFITS if benefit.payer is rules.Payer.FUND else Category.EMPLOYER_ALLOWANCES
        if benefit.code == "dependant_pension":
            category = Category.DEPENDANTS_PENSIONS
        # Death benefits fall due on the death: the subsidies in its month, the dependants'
        # pensions from the month after (Regulations Art. 39).
        due = died if benefit.code in DEATH_BENEFITS else concluded
        first_month = rules.add_months(_month(died), 1) if benefit.code in DEATH_BENEFITS and died else stop
        if benefit.frequency is rules.Frequency.ONCE and due is not None and due <= today:
            add(due, category, benefit.amount)
        elif benefit.frequency is rules.Frequency.MONTHLY and first_month is not None:
            month = _month(first_month)
            while month <= _month(today):
                add(month, category, benefit.amount)
                month = rules.add_months(month, 1)
    for entry in view.account.entries_to_date():
        if entry.kind is EntryKind.WITHHELD:
            add(entry.on, Category.PERSONAL_WITHHELD, entry.amount)
        elif entry.kind is EntryKind.DEDUCTED:
            add(entry.on, Category.PERSONAL_DEDUCTED, entry.amount)
    add(today, Category.PERSONAL_OUTSTANDING, view.account.worker_owes)
    return lines


def cost_lines(cases_query: sa.Select[Any], today: date, locale: str) -> list[CostLine]:
    """Every selected case's lines, its inputs read in bulk (a fixed number of statements)."""
    views = cases.case_views(db.session.execute(cases_query.options(*cases.CASE_ROWS)).scalars(), today)
    return [line for view in views for line in view_cost_lines(view, today, locale)]


# --- Approval workflow --------------------------------------------------------------------------


def current_steps() -> tuple[workflow.Step, ...]:
    rows = db.session.execute(sa.select(WorkflowStep).order_by(WorkflowStep.position)).scalars().all()
    if not rows:
        return workflow.DEFAULT_STEPS
    return tuple(workflow.Step(r.key, Role(r.role), r.label) for r in rows)


def save_steps(steps: tuple[workflow.Step, ...], by_user_id: int | None, origin: Origin) -> None:
    """Replace the stored steps (validated by the pure rules first); recorded on the portal chain."""
    workflow.validate_steps(steps)
    db.session.execute(sa.delete(WorkflowStep))
    db.session.flush()
    for position, step in enumerate(steps):
        db.session.add(WorkflowStep(position=position, key=step.key, role=step.role.value, label=step.label))
    db.session.flush()
    append_event("workflow_changed", employee_id=None, actor_user_id=by_user_id, origin=origin,
                 payload={"steps": [[s.key, s.role.value, s.label] for s in steps]})


def report_steps(report: InjuryReport) -> tuple[workflow.Step, ...]:
    return tuple(workflow.Step(s["key"], Role(s["role"]), s.get("label", "")) for s in report.step_list)


def waiting_step(report: InjuryReport) -> workflow.Step | None:
    steps = report_steps(report)
    return None if report.current >= len(steps) else steps[report.current]


def file_report(employee: Employee, accident_date: date, place: str, what: str, by_user_id: int,
                origin: Origin) -> InjuryReport:
    """The employee reports: the report step is decided at once (the report itself), the next
    approver is notified."""
    steps = current_steps()
    report = InjuryReport(employee_id=employee.id, employee=employee, accident_date=accident_date, place=place,
                          what_happened=what, created_by_id=by_user_id,
                          steps_json=json.dumps([{"key": s.key, "role": s.role.value, "label": s.label} for s in steps]))
    db.session.add(report)
    db.session.flush()
    append_event("injury_reported", employee_id=employee.id, actor_user_id=by_user_id, origin=origin,
                 payload={"report": report.id, "accident_date": accident_date.isoformat(), "place": place,
                          "what": what, "steps": [s.key for s in steps]})
    decide_report(report, steps[0].key, steps[0].role, workflow.Decision.APPROVE, "", by_user_id, origin)
    return report


def decide_report(report: InjuryReport, step_key: str, role: Role, decision: workflow.Decision, comment: str,
                  by_user_id: int | None, origin: Origin) -> None:
    """One transition through ``workflow.decide`` (raises ``WorkflowError``), with its ledger event
    and the notification of whoever acts next."""
    steps = report_steps(report)
    progress = workflow.decide(steps, workflow.Progress(report.current), step_key, role, decision, comment)
    report.current = progress.current
    report.waiting_since = utcnow()
    if progress.done(steps):
        report.completed_at = utcnow()
    db.session.add(ReportDecision(report=report, step_key=step_key, decision=decision.value, comment=comment,
                                  decided_by_id=by_user_id))
    db.session.flush()
    append_event("report_step_decided", employee_id=report.employee_id, actor_user_id=by_user_id, origin=origin,
                 payload={"report": report.id, "step": step_key, "decision": decision.value, "comment": comment,
                          "next": None if progress.done(steps) else steps[progress.current].key})
    link = path_for("workbench.report", report_id=report.id)
    for user in approvers(report):
        notify(user.id, "approval", "approval_waiting", {"report": report.id, "name": report.employee.name}, link)
    if progress.done(steps):
        case = open_case_from_report(report, by_user_id, origin)
        text_key = "report_filed" if case is None else "report_case_opened"
        if case is not None:
            link = path_for("cases_admin.detail", case_id=case.id)
        for user in users_with_role(Role.HR):
            notify(user.id, "approval", text_key, {"report": report.id, "name": report.employee.name}, link)


def open_case_from_report(report: InjuryReport, by_user_id: int | None, origin: Origin) -> InjuryCase | None:
    """The approved report opens its case, prefilled with the accident date, the report date and
    what happened (Regulations Art. 17: the employer applies for recognition within 30 days). When
    the values do not pass the case checks (no regional policy for that date), HR opens it by hand
    from the report page instead."""
    values = {"accident_date": report.accident_date,
              "reported_date": report.created_at.astimezone(SHANGHAI).date(),
              "description": f"{report.place}: {report.what_happened}"[:300]}
    if cases.case_errors(values, local_today(), cases.policy_on(report.accident_date)):
        return None
    case = cases.open_case(report.employee, values, by_user_id, origin)
    report.case_id = case.id
    return case


def users_with_role(role: Role) -> list[User]:
    return list(db.session.execute(sa.select(User).where(User.role == role, User.is_enabled.is_(True))
                                   .order_by(User.id)).scalars())


def approvers(report: InjuryReport) -> list[User]:
    """Who decides the waiting step: the reporter, their department's manager, or every HR/admin account."""
    step = waiting_step(report)
    if step is None:
        return []
    if step.role is Role.EMPLOYEE:
        return list(db.session.execute(sa.select(User).where(User.employee_id == report.employee_id)).scalars())
    if step.role is Role.MANAGER:
        manager = report.employee.department.manager
        return [] if manager is None else list(db.session.execute(
            sa.select(User).where(User.employee_id == manager.id)).scalars())
    return users_with_role(step.role)


def may_decide(user: User, report: InjuryReport) -> bool:
    """The waiting step's role, and for a manager step the reporter's own department manager: one of
    ``approvers(report)``, decided from the account alone (the reports page asks for every open report)."""
    step = waiting_step(report)
    if step is None:
        return False
    if user.role is Role.ADMIN:
        return True
    if user.role is not step.role:
        return False
    if step.role is Role.EMPLOYEE:
        return user.employee_id == report.employee_id
    if step.role is Role.MANAGER:
        return report.employee.department_id in user.actor.managed_department_ids
    return user.is_enabled


FILED_PAGE = 50  # filed reports a page


def filed_reports(before: tuple[datetime, int] | None) -> tuple[list[InjuryReport], tuple[datetime, int] | None]:
    """A page of the filed reports, newest first, from ``before`` (where the previous page ended),
    and where the next page starts (None: this is the last)."""
    statement = (sa.select(InjuryReport).options(sa.orm.joinedload(InjuryReport.employee))
                 .where(InjuryReport.completed_at.is_not(None))
                 .order_by(InjuryReport.completed_at.desc(), InjuryReport.id.desc()).limit(FILED_PAGE + 1))
    if before is not None:
        at, report_id = before
        statement = statement.where(sa.or_(InjuryReport.completed_at < at,
                                           sa.and_(InjuryReport.completed_at == at, InjuryReport.id < report_id)))
    reports = list(db.session.execute(statement).scalars())
    last = reports[FILED_PAGE - 1] if len(reports) > FILED_PAGE else None
    return reports[:FILED_PAGE], None if last is None else (last.completed_at, last.id)


# --- Reminders ----------------------------------------------------------------------------------


SHANGHAI = ZoneInfo("Asia/Shanghai")
APPROVAL_DAYS = 2  # a waiting step is overdue after this many days (house default)


@dataclass(frozen=True)
class ReminderSubject:
    """What a reminder about one item says and links to, and whose record it belongs to."""

    item: PendingItem
    link: str
    title: str
    employee_id: int


def pending_subjects(today: date, due_soon_days: int) -> Iterator[list[ReminderSubject]]:
    """Courses, notices and approval steps that are overdue or due within ``due_soon_days``, in
    batches, each with its manager for escalation."""
    horizon = today + timedelta(days=due_soon_days)
    manager = department_managers.c.employee_id
    courses = (sa.select(Assignment.id, Assignment.employee_id, manager, Assignment.due_date, Course.slug)
               .join(Course, Course.id == Assignment.course_id).join(Employee, Employee.id == Assignment.employee_id)
               .outerjoin(department_managers, department_managers.c.department_id == Employee.department_id)
               .where(Assignment.is_current.is_(True), Assignment.acknowledged_at.is_(None),
                      Assignment.due_date <= horizon))
    links: dict[str, str] = {}
    for rows in keyset_batches(courses, Assignment.id):
        for slug in {row.slug for row in rows} - links.keys():
            links[slug] = path_for("courses.course", slug=slug)
        yield [ReminderSubject(PendingItem("course", item_id, employee_id, manager_id, due), links[slug], slug,
                               employee_id)
               for item_id, employee_id, manager_id, due, slug in rows]
    notices = (sa.select(NoticeDelivery.id, NoticeDelivery.employee_id, manager, NoticeDelivery.due_date,
                         NoticeVersion.notice_id, Notice.key)
               .join(NoticeVersion, NoticeVersion.id == NoticeDelivery.version_id)
               .join(Notice, Notice.id == NoticeVersion.notice_id)
               .join(Employee, Employee.id == NoticeDelivery.employee_id)
               .outerjoin(department_managers, department_managers.c.department_id == Employee.department_id)
               .where(NoticeDelivery.acknowledged_at.is_(None), NoticeDelivery.due_date <= horizon))
    index = path_for("notices.index")
    for rows in keyset_batches(notices, NoticeDelivery.id):
        yield [ReminderSubject(PendingItem("notice", item_id, employee_id, manager_id, due), index,
                               key or f"#{notice_id}", employee_id)
               for item_id, employee_id, manager_id, due, notice_id, key in rows]
    approvals = []
    for report in db.session.execute(sa.select(InjuryReport).where(InjuryReport.completed_at.is_(None))).scalars():
        due = report.waiting_since.astimezone(SHANGHAI).date() + timedelta(days=APPROVAL_DAYS)
        for user in approvers(report):
            if user.employee_id is not None:
                manager_of = user.employee.department.manager
                approvals.append(ReminderSubject(
                    PendingItem("approval", report.id, user.employee_id, manager_of.id if manager_of else None, due),
                    path_for("workbench.report", report_id=report.id), f"#{report.id}", report.employee_id))
    yield approvals


@dataclass
class ReminderRun:
    portal: int = 0
    email: int = 0
    escalations: int = 0


def send_reminders(today: date, escalate_after_days: int, due_soon_days: int = 2) -> ReminderRun:
    """Create the reminders due today that were not sent before, a batch at a time (one commit
    each). Each key is claimed first with an insert-or-ignore, so two servers running at once send
    each reminder once, and a run that stops half-way sends the rest next time. E-mail goes through
    the notification outbox (``flask notifications deliver`` or the scheduled job sends it)."""
    run = ReminderRun()
    for subjects in pending_subjects(today, due_soon_days):
        _send_batch(subjects, today, escalate_after_days, due_soon_days, run)
        db.session.commit()
    return run


def _send_batch(subjects: list[ReminderSubject], today: date, escalate_after_days: int, due_soon_days: int,
                run: ReminderRun) -> None:
    by_item = {(s.item.kind, s.item.item_id): s for s in subjects}
    due = reminders_due([s.item for s in subjects], (), today, escalate_after_days, due_soon_days)
    if not due:
        return
    now = utcnow()
    claimed = _claim(SentReminder, [{"key": r.key, "sent_at": now} for r in due])
    due = [r for r in due if r.key in claimed]
    recipients = {r.recipient_id for r in due}
    users = dict(db.session.execute(sa.select(User.employee_id, User.id).where(User.employee_id.in_(recipients))).all())
    messages = notify_many([
        NewNotification(users[r.recipient_id], "reminder", f"{r.kind}_{r.level}",
                        {"title": by_item[(r.kind, r.item_id)].title, "due": r.due.isoformat()},
                        by_item[(r.kind, r.item_id)].link, f"reminder:{r.key}")
        for r in due if r.recipient_id in users])
    events = []
    for reminder in due:
        subject = by_item[(reminder.kind, reminder.item_id)]
        message_id = messages.get(f"reminder:{reminder.key}")
        run.portal += int(f"reminder:{reminder.key}" in messages)
        run.email += int(message_id is not None)
        run.escalations += int(reminder.escalation)
        events.append(NewEvent("reminder_sent", subject.employee_id, None,
                               Origin(channel="email" if message_id else "portal-inbox"),
                               payload={"key": reminder.key, "kind": reminder.kind, "item": reminder.item_id,
                                        "recipient": reminder.recipient_id, "escalation": reminder.escalation,
                                        "level": reminder.level, "due": reminder.due.isoformat(),
                                        "message_id": message_id}))
    append_events(events, occurred_at=now)


# --- Import -------------------------------------------------------------------------------------


def preview(kind: importing.Kind, table: list[list[str]], today: date) -> importing.Preview:
    if kind is importing.Kind.DEPARTMENTS:
        return importing.preview_departments(table)
    if kind is importing.Kind.EMPLOYEES:
        departments = importing.department_aliases(
            db.session.execute(sa.select(Department.code, Department.name_zh, Department.name_en)).all())
        return importing.preview_employees(table, departments, today, _label_aliases(CONTRACT_LABELS),
                                           _label_aliases(STATUS_LABELS))
    numbers = set(looked_up(importing.named_numbers(table, kind), lambda batch: db.session.execute(
        sa.select(Employee.number).where(Employee.number.in_(batch))).scalars()))
    return importing.preview_wages(table, numbers, today)


LOOKUP_BATCH = 500  # keys in one IN list: an import of 50,000 rows looks its records up in 100 statements


def looked_up(keys: Iterable[Any], read: Callable[[list[Any]], Iterable[T]]) -> Iterator[T]:
    """``read(batch)`` for the distinct ``keys``, ``LOOKUP_BATCH`` at a time: an import reads the
    stored records its file names, not a whole table (100,000 employees as records took 200 MB)."""
    ordered = sorted(set(keys))
    for start in range(0, len(ordered), LOOKUP_BATCH):
        yield from read(ordered[start:start + LOOKUP_BATCH])


def stored_records(preview: importing.Preview) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The stored rows the preview's records would change, keyed and spelled as preview records."""
    keys = [importing.record_key(preview.kind, record) for record in preview.records]
    if preview.kind is importing.Kind.DEPARTMENTS:
        rows = looked_up((code for code, in keys), lambda batch: db.session.execute(
            sa.select(Department.code, Department.name_zh, Department.name_en).where(Department.code.in_(batch))))
        return {(code,): {"code": code, "name_zh": name_zh, "name_en": name_en} for code, name_zh, name_en in rows}
    if preview.kind is importing.Kind.EMPLOYEES:
        columns = ("number", "name", "hire_date", "department", "contract_type", "email", "phone", "preferred_locale",
                   "status", "left_date")
        rows = looked_up((number for number, in keys), lambda batch: db.session.execute(
            sa.select(Employee.number, Employee.name, Employee.hire_date, Department.code, Employee.contract_type,
                      Employee.email, Employee.phone, Employee.preferred_locale, Employee.status, Employee.left_date)
            .join(Department, Department.id == Employee.department_id).where(Employee.number.in_(batch))))
        return {(row[0],): dict(zip(columns, row)) for row in rows}
    from portal.cases.models import WageMonth

    rows = looked_up(keys, lambda batch: db.session.execute(
        sa.select(Employee.number, WageMonth.year, WageMonth.month, WageMonth.wage)
        .join(Employee, Employee.id == WageMonth.employee_id)
        .where(sa.tuple_(Employee.number, WageMonth.year, WageMonth.month).in_(batch))))
    return {(number, year, month): {"wage": wage} for number, year, month, wage in rows}


def _label_aliases(labels: Mapping[Any, Any]) -> dict[str, Any]:
    """The portal's own labels, in every language it speaks, as accepted import values."""
    from flask import current_app
    from flask_babel import force_locale

    aliases: dict[str, Any] = {}
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            aliases.update({str(label): value for value, label in labels.items()})
    return aliases


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0


def commit_import(result: importing.Preview, by_user_id: int | None, origin: Origin) -> ImportResult:
    """Write every record of an error-free preview (the caller commits once: all or nothing).
    Departments update by code, employees by number, wage months by employee and month."""
    if not result.ok:
        raise ValueError("preview has errors")
    done = ImportResult()
    if result.kind is importing.Kind.DEPARTMENTS:
        existing = {d.code: d for d in db.session.execute(sa.select(Department)).scalars()}
        for r in result.records:
            row = existing.get(r["code"])
            if row is None:
                db.session.add(Department(code=r["code"], name_zh=r["name_zh"], name_en=r["name_en"]))
                done.created += 1
            else:
                row.name_zh, row.name_en = r["name_zh"], r["name_en"]
                done.updated += 1
    elif result.kind is importing.Kind.EMPLOYEES:
        departments = {d.code: d for d in db.session.execute(sa.select(Department)).scalars()}
        existing = {e.number: e for e in _employees_numbered(r["number"] for r in result.records)}
        for r in result.records:
            values = dict(name=r["name"], hire_date=r["hire_date"], department=departments[r["department"]],
                          contract_type=r["contract_type"], email=r["email"], phone=r["phone"],
                          preferred_locale=r["preferred_locale"], status=r["status"], left_date=r["left_date"])
            row = existing.get(r["number"])
            if row is None:
                row, previous = Employee(number=r["number"], **values), None
                db.session.add(row)
                existing[r["number"]] = row
                done.created += 1
            else:
                previous = (row.contract_type, row.status)
                for name, value in values.items():
                    setattr(row, name, value)
                done.updated += 1
            db.session.flush()
            announce_changes(row, previous, by_user_id, origin)
    else:
        from portal.cases.models import WageMonth

        employees = {e.number: e for e in _employees_numbered(r["number"] for r in result.records)}
        months = [(employees[r["number"]].id, r["year"], r["month"]) for r in result.records]
        existing = {(w.employee_id, w.year, w.month): w for w in looked_up(months, lambda batch: db.session.execute(
            sa.select(WageMonth).where(sa.tuple_(WageMonth.employee_id, WageMonth.year, WageMonth.month).in_(batch)))
            .scalars())}
        for r in result.records:
            employee = employees[r["number"]]
            row = existing.get((employee.id, r["year"], r["month"]))
            if row is None:
                db.session.add(WageMonth(employee_id=employee.id, employee=employee, year=r["year"], month=r["month"],
                                         wage=r["wage"], created_by_id=by_user_id))
                done.created += 1
            else:
                row.wage = r["wage"]
                done.updated += 1
    db.session.flush()
    append_event("data_imported", employee_id=None, actor_user_id=by_user_id, origin=origin,
                 payload={"kind": result.kind.value, "created": done.created, "updated": done.updated})
    return done


def _employees_numbered(numbers: Iterable[str]) -> Iterator[Employee]:
    return looked_up(numbers, lambda batch: db.session.execute(
        sa.select(Employee).where(Employee.number.in_(batch))).scalars())


def template_rows(kind: importing.Kind) -> tuple[list[str], list[list[str]]]:
    """The import template: the Chinese headers HR uses, and one line per column with its allowed values."""
    columns = importing.COLUMNS[kind]
    header = [aliases[0] for aliases in columns.values()]
    return header, [["# " + " / ".join(f"{aliases[0]}={key}" for key, aliases in columns.items())]]


# --- Exports ------------------------------------------------------------------------------------


def import_kind_rows(kind: importing.Kind, employee_filter: Any) -> tuple[list[str], Iterable[list[Any]]]:
    """Departments, employees or wage months in the import template's columns and Chinese headers,
    so the file imports back unchanged; rows read a batch at a time as they are written."""
    header = [aliases[0] for aliases in importing.COLUMNS[kind].values()]
    if kind is importing.Kind.DEPARTMENTS:
        departments = db.session.execute(sa.select(Department).order_by(Department.code)).scalars()
        return header, [[d.code, d.name_zh, d.name_en] for d in departments]
    if kind is importing.Kind.EMPLOYEES:
        people = streamed(sa.select(Employee.number, Employee.name, Employee.hire_date, Department.code,
                                    Employee.contract_type, Employee.email, Employee.phone, Employee.preferred_locale,
                                    Employee.status, Employee.left_date)
                          .join(Department, Department.id == Employee.department_id).where(employee_filter)
                          .order_by(Employee.number))
        return header, ([number, name, hired, department, importing.spelling(importing.CONTRACT_ALIASES, contract),
                         email, phone, importing.spelling(importing.LOCALE_ALIASES, locale),
                         importing.spelling(importing.STATUS_ALIASES, status), left]
                        for number, name, hired, department, contract, email, phone, locale, status, left in people)
    from portal.cases.models import WageMonth

    months = streamed(sa.select(Employee.number, WageMonth.year, WageMonth.month, WageMonth.wage)
                      .join(Employee, WageMonth.employee_id == Employee.id).where(employee_filter)
                      .order_by(Employee.number, WageMonth.year, WageMonth.month))
    return header, (list(row) for row in months)


def export_rows(what: str, employee_filter: Any, locale: str = "zh_CN") -> tuple[list[str], Iterable[list[Any]]]:
    """Acknowledgement records, cases or personal-share accounts within the caller's reach; titles in
    ``locale``, codes (kind, what the share covers) for the caller to put in words. The
    acknowledgements (a few per employee) are read a batch at a time as they are written."""
    if what == "acknowledgements":
        header = ["kind", "number", "name", "item", "due_date", "acknowledged_at"]
        return header, itertools.chain(_course_acknowledgement_rows(employee_filter, locale),
                                       _notice_acknowledgement_rows(employee_filter, locale))
    query = (sa.select(InjuryCase).join(Employee, InjuryCase.employee_id == Employee.id).where(employee_filter)
             .order_by(InjuryCase.id))
    if what == "cases":
        header = ["case", "number", "name", "accident_date", "recognized", "suspension_start", "suspension_months",
                  "assessment_concluded_date", "grade", "death_date", "dependants", "monthly_dependants_pensions"]
        rows = []
        for view in cases.case_views(db.session.execute(query.options(*cases.CASE_ROWS)).scalars(), today()):
            c, pensions = view.case, view.dependants
            rows.append([c.id, c.employee.number, c.employee.name, c.accident_date, c.recognized, c.suspension_start,
                         c.suspension_months, c.assessment_concluded_date, c.grade, c.death_date,
                         len(c.dependants) if c.death_date else None, pensions.total.amount if pensions else None])
        return header, rows
    header = ["case", "number", "name", "share_covers", "owed", "withheld", "deducted", "collected", "refunded",
              "balance", "scheduled_deductions", "balance_after_schedule"]
    rows = []
    for view in cases.case_views(db.session.execute(query.options(*cases.CASE_ROWS)).scalars(), today()):
        c, account = view.case, view.account
        covers = "social_insurance_and_housing_fund" if view.policy and view.policy.personal_share_includes_housing_fund \
            else "social_insurance"
        rows.append([c.id, c.employee.number, c.employee.name, covers, account.owed, account.withheld,
                     account.deducted, account.collected, account.refunded, account.balance,
                     account.scheduled_deductions, account.after_schedule])
    return header, rows


def _course_acknowledgement_rows(employee_filter: Any, locale: str) -> Iterator[list[Any]]:
    titles = {course_id: (zh, en) for course_id, zh, en in
              db.session.execute(sa.select(Course.id, Course.title_zh, Course.title_en))}
    for number, name, course_id, due, acknowledged in streamed(
            sa.select(Employee.number, Employee.name, Assignment.course_id, Assignment.due_date, Assignment.acknowledged_at)
            .select_from(Assignment).join(Employee, Assignment.employee_id == Employee.id).where(employee_filter)
            .order_by(Employee.number, Assignment.id)):
        zh, en = titles[course_id]
        yield ["course", number, name, en if locale == "en" else zh, due, acknowledged]  # as Course.title


def _notice_acknowledgement_rows(employee_filter: Any, locale: str) -> Iterator[list[Any]]:
    titles = {version.id: version.title(locale) for version in db.session.execute(sa.select(NoticeVersion)).scalars()}
    for number, name, version_id, due, acknowledged in streamed(
            sa.select(Employee.number, Employee.name, NoticeDelivery.version_id, NoticeDelivery.due_date,
                      NoticeDelivery.acknowledged_at)
            .select_from(NoticeDelivery).join(Employee, NoticeDelivery.employee_id == Employee.id)
            .where(employee_filter).order_by(Employee.number, NoticeDelivery.id)):
        yield ["notice", number, name, titles[version_id], due, acknowledged]


def is_active(employee: Employee) -> bool:
    return employee.status is EmploymentStatus.ACTIVE


def today() -> date:
    return local_today()
