"""A case's facts, their validation, the timeline built from them and the one-sentence status.

The timeline lists what has happened (events, with their dates), the deadlines that follow from it
(with the computed date, the article and who must act) and the dates the engine expects (the end of
the paid suspension period, when original pay stops, when a review assessment becomes possible).
A deadline met is shown once, as the event that met it (with its deadline beside it). Statuses:

* ``done``: it happened (an event, a deadline met, an expected date reached and, for the pay stop,
  confirmed by HR);
* ``due``: the employer's or the worker's own deadline is today or within ``due_within_days``;
* ``upcoming``: such a deadline, later than that;
* ``waiting``: someone else must act first (``actor``: the department, the committee, or HR who
  confirms the pay stop);
* ``overdue``: the deadline passed without the act (for an ``optional`` right: the window closed);
* ``not_applicable``: the step is not needed (the worker's own filing deadline once the employer
  filed).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from portal.cases.rules import citations
from portal.cases.rules.benefits import DISABILITY_SUBSIDY_MONTHS, GRADES
from portal.cases.rules.citations import Citation
from portal.cases.rules.holidays import HolidayCalendar
from portal.cases.rules.dates import (
    NO_HOLIDAYS,
    Interval,
    acceptance_deadline,
    assessment_conclusion_deadline,
    decision_service_deadline,
    employer_filing_deadline,
    original_pay_stop_date,
    reassessment_request_deadline,
    recognition_decision_deadline,
    review_assessment_earliest_date,
    suspension_end,
    worker_filing_deadline,
)
from portal.cases.rules.policy import CareLevel, RegionalPolicy

DUE_WITHIN_DAYS = 7  # house default: a deadline this close shows as "due"


class Applicant(str, enum.Enum):
    """Who applied for injury recognition (Regulations Art. 17 ¶¶1–2)."""

    EMPLOYER = "employer"
    WORKER = "worker"
    RELATIVE = "relative"  # a close relative (近亲属)
    UNION = "union"  # the trade union


@dataclass(frozen=True)
class SuspensionPeriod:
    """A paid suspension period: a new one per recurrence of the injury (Regulations Art. 38)."""

    start: date
    planned_end: date | None = None  # as confirmed; None: not yet confirmed
    extended_end: date | None = None  # after the committee's extension (Art. 33 ¶2)

    @property
    def end(self) -> date:
        """The last day: the extended end, else the planned end, else the 12-month maximum."""
        return self.extended_end or self.planned_end or suspension_end(self.start, 12)


@dataclass(frozen=True)
class CaseFacts:
    """What is known about one injury case; every date except the accident's is optional.

    Enum fields accept their values as strings; the pause intervals are stored as tuples.
    """

    accident_date: date  # T0: the accident, or the diagnosis of an occupational disease
    reported_date: date | None = None  # reported to the employer
    recognition_applied_date: date | None = None
    recognition_applicant: Applicant | None = None
    filing_extension_days: int = 0  # an extension approved by the department (Art. 17 ¶1)
    filing_suspensions: tuple[Interval, ...] = ()  # time not counted in the 1-year window (S10 Art. 7)
    recognition_accepted_date: date | None = None
    recognition_simple: bool = False  # a clear case decided within 15 days (Art. 20 ¶2)
    recognition_pauses: tuple[Interval, ...] = ()  # the decision clock stopped (Art. 20 ¶3)
    recognition_decided_date: date | None = None
    recognized: bool | None = None
    decision_served_date: date | None = None
    suspension_start: date | None = None
    suspension_planned_end: date | None = None
    suspension_extended_end: date | None = None
    recurrences: tuple[SuspensionPeriod, ...] = ()
    assessment_applied_date: date | None = None
    assessment_extended: bool = False  # the committee took 30 more days (Art. 25 ¶2)
    assessment_concluded_date: date | None = None
    assessment_received_date: date | None = None  # None: taken as the conclusion date
    grade: int | None = None
    care_level: CareLevel | None = None
    reassessment_applied_date: date | None = None
    reassessment_extended: bool = False
    reassessment_concluded_date: date | None = None
    reassessment_grade: int | None = None
    returned_to_work_date: date | None = None
    left_date: date | None = None
    death_date: date | None = None
    original_monthly_wage: Decimal | None = None
    pay_stop_confirmed: bool = False  # HR confirmed "stop original pay" (automatic trigger, human confirmation)

    def __post_init__(self) -> None:
        if self.recognition_applicant is not None:
            object.__setattr__(self, "recognition_applicant", Applicant(self.recognition_applicant))
        if self.care_level is not None:
            object.__setattr__(self, "care_level", CareLevel(self.care_level))
        for name in ("filing_suspensions", "recognition_pauses", "recurrences"):
            object.__setattr__(self, name, tuple(tuple(x) if name != "recurrences" else x for x in getattr(self, name)))

    @property
    def suspensions(self) -> tuple[SuspensionPeriod, ...]:
        """Every paid suspension period, the first one followed by those of recurrences."""
        first = ()
        if self.suspension_start is not None:
            first = (SuspensionPeriod(self.suspension_start, self.suspension_planned_end, self.suspension_extended_end),)
        return first + tuple(self.recurrences)

    @property
    def final_grade(self) -> int | None:
        """The grade in force: the re-assessment's when there is one (final, Art. 26)."""
        return self.reassessment_grade if self.reassessment_grade is not None else self.grade


class CaseFactsError(ValueError):
    """The facts are inconsistent; ``errors`` maps each field to an error code."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in sorted(errors.items())))
        self.errors = errors


_EVENT_DATES = (
    "reported_date", "recognition_applied_date", "recognition_accepted_date", "recognition_decided_date",
    "decision_served_date", "suspension_start", "assessment_applied_date", "assessment_concluded_date",
    "assessment_received_date", "reassessment_applied_date", "reassessment_concluded_date",
    "returned_to_work_date", "left_date", "death_date",
)
# The worker may have left before an occupational disease was diagnosed (T0), so left_date may precede it.
_NOT_BEFORE_ACCIDENT = tuple(name for name in _EVENT_DATES if name != "left_date")


def _grade_ok(grade: object) -> bool:
    return isinstance(grade, int) and not isinstance(grade, bool) and grade in GRADES


def _suspension_errors(period: SuspensionPeriod, prefix: str, accident: date, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if period.start < accident:
        errors[f"{prefix}start"] = "before_accident"
    elif period.start > today:
        errors[f"{prefix}start"] = "future"
    if period.planned_end is not None:
        if period.planned_end < period.start:
            errors[f"{prefix}planned_end"] = "before_start"
        elif period.planned_end > suspension_end(period.start, 12):
            errors[f"{prefix}planned_end"] = "over_12_months"
    if period.extended_end is not None:
        if period.planned_end is None:
            errors[f"{prefix}planned_end"] = "required_with_extension"
        elif period.extended_end < period.planned_end:
            errors[f"{prefix}extended_end"] = "before_planned_end"
        if period.extended_end < period.start:
            errors[f"{prefix}extended_end"] = "before_start"
        elif period.extended_end > suspension_end(period.start, 12, 12):
            errors[f"{prefix}extended_end"] = "over_24_months"
    return errors


def validate_case_facts(facts: CaseFacts, today: date, *, policy: RegionalPolicy | None = None) -> dict[str, str]:
    """Field -> error code for impossible facts (empty when they are consistent): the order the
    Regulations give the steps (Arts. 17–29), the suspension limits (Art. 33 ¶2) and the grades (Art. 22).

    Codes: ``future`` (a recorded event after ``today``), ``before_accident``, ``before_application``,
    ``before_acceptance``, ``before_decision``, ``before_conclusion``, ``before_start``,
    ``before_planned_end``, ``over_12_months`` / ``over_24_months`` (Regulations Art. 33 ¶2),
    ``out_of_range`` (grade not 1–10), ``negative`` / ``invalid`` (wage), ``required`` (a later step
    recorded without this one), ``required_when_applied`` / ``required_when_decided`` /
    ``required_with_outcome`` / ``required_with_grade`` / ``required_with_extension``,
    ``over_cap`` (filing extension above ``policy.recognition_extension_cap_days``) and
    ``end_before_start`` (a pause interval).
    """
    errors: dict[str, str] = {}

    def add(name: str, code: str) -> None:
        errors.setdefault(name, code)

    accident = facts.accident_date
    if accident > today:
        add("accident_date", "future")
    for name in _EVENT_DATES:
        value = getattr(facts, name)
        if value is None:
            continue
        if value > today:
            add(name, "future")
        elif name in _NOT_BEFORE_ACCIDENT and value < accident:
            add(name, "before_accident")

    # Recognition, in order: applied → accepted → decided → served.
    applied, accepted, decided = (facts.recognition_applied_date, facts.recognition_accepted_date,
                                  facts.recognition_decided_date)
    if applied is not None and facts.recognition_applicant is None:
        add("recognition_applicant", "required_when_applied")
    if applied is None and (accepted is not None or decided is not None):
        add("recognition_applied_date", "required")
    if applied is not None and accepted is not None and accepted < applied:
        add("recognition_accepted_date", "before_application")
    if decided is not None:
        if applied is not None and decided < applied:
            add("recognition_decided_date", "before_application")
        elif accepted is not None and decided < accepted:
            add("recognition_decided_date", "before_acceptance")
        if facts.recognized is None:
            add("recognized", "required_when_decided")
    elif facts.recognized is not None:
        add("recognition_decided_date", "required_with_outcome")
    if facts.decision_served_date is not None:
        if decided is None:
            add("recognition_decided_date", "required")
        elif facts.decision_served_date < decided:
            add("decision_served_date", "before_decision")
    extension = facts.filing_extension_days
    if isinstance(extension, bool) or not isinstance(extension, int) or extension < 0:
        add("filing_extension_days", "negative")
    elif policy is not None and policy.recognition_extension_cap_days is not None \
            and extension > policy.recognition_extension_cap_days:
        add("filing_extension_days", "over_cap")
    for name in ("filing_suspensions", "recognition_pauses"):
        if any(end < start for start, end in getattr(facts, name)):
            add(name, "end_before_start")

    # Paid suspension periods.
    if facts.suspension_start is None:
        if facts.suspension_planned_end is not None or facts.suspension_extended_end is not None:
            add("suspension_start", "required")
    periods = [(period, f"recurrences[{index}].") for index, period in enumerate(facts.recurrences)]
    if facts.suspension_start is not None:
        periods.insert(0, (facts.suspensions[0], "suspension_"))
    for period, prefix in periods:
        for name, code in _suspension_errors(period, prefix, accident, today).items():
            add(name, code)

    # Assessment and re-assessment.
    a_applied, concluded = facts.assessment_applied_date, facts.assessment_concluded_date
    if concluded is not None:
        if a_applied is None:
            add("assessment_applied_date", "required")
        elif concluded < a_applied:
            add("assessment_concluded_date", "before_application")
        if facts.assessment_received_date is not None and facts.assessment_received_date < concluded:
            add("assessment_received_date", "before_conclusion")
    elif facts.assessment_received_date is not None:
        add("assessment_concluded_date", "required")
    for name in ("grade", "reassessment_grade"):
        if getattr(facts, name) is not None and not _grade_ok(getattr(facts, name)):
            add(name, "out_of_range")
    if facts.grade is not None and concluded is None:
        add("assessment_concluded_date", "required_with_grade")
    r_applied, r_concluded = facts.reassessment_applied_date, facts.reassessment_concluded_date
    if r_applied is not None:
        if concluded is None:
            add("assessment_concluded_date", "required")
        elif r_applied < concluded:
            add("reassessment_applied_date", "before_conclusion")
    if r_concluded is not None:
        if r_applied is None:
            add("reassessment_applied_date", "required")
        elif r_concluded < r_applied:
            add("reassessment_concluded_date", "before_application")
    if facts.reassessment_grade is not None and r_concluded is None:
        add("reassessment_concluded_date", "required_with_grade")

    wage = facts.original_monthly_wage
    if wage is not None:
        if isinstance(wage, bool) or not isinstance(wage, (Decimal, int)) or (
                isinstance(wage, Decimal) and not wage.is_finite()):
            add("original_monthly_wage", "invalid")
        elif wage < 0:
            add("original_monthly_wage", "negative")
    return errors


class ItemKind(str, enum.Enum):
    EVENT = "event"  # it happened on ``date``
    DEADLINE = "deadline"  # an act is due by ``date``
    EXPECTED = "expected"  # the engine expects this on ``date``


class ItemStatus(str, enum.Enum):
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    WAITING = "waiting"
    NOT_APPLICABLE = "not_applicable"


class Actor(str, enum.Enum):
    """Who must act for a timeline step."""

    EMPLOYER = "employer"
    WORKER = "worker"  # the worker's own right or deadline
    DEPARTMENT = "department"  # the social insurance administrative department
    COMMITTEE = "committee"  # the labour capacity assessment committee
    HR = "hr"  # HR confirms the pay stop


class Code(str, enum.Enum):
    """Stable codes of timeline items; the UI translates them."""

    ACCIDENT = "accident"
    REPORTED = "reported"
    EMPLOYER_FILING_DEADLINE = "employer_filing_deadline"
    WORKER_FILING_DEADLINE = "worker_filing_deadline"
    RECOGNITION_APPLIED = "recognition_applied"
    ACCEPTANCE_DEADLINE = "acceptance_deadline"
    RECOGNITION_ACCEPTED = "recognition_accepted"
    RECOGNITION_DECISION_DEADLINE = "recognition_decision_deadline"
    RECOGNITION_DECIDED = "recognition_decided"
    DECISION_SERVICE_DEADLINE = "decision_service_deadline"
    DECISION_SERVED = "decision_served"
    SUSPENSION_STARTED = "suspension_started"
    SUSPENSION_ENDS = "suspension_ends"
    ORIGINAL_PAY_STOPS = "original_pay_stops"
    ASSESSMENT_APPLIED = "assessment_applied"
    ASSESSMENT_CONCLUSION_DEADLINE = "assessment_conclusion_deadline"
    ASSESSMENT_CONCLUDED = "assessment_concluded"
    REASSESSMENT_REQUEST_DEADLINE = "reassessment_request_deadline"
    REASSESSMENT_APPLIED = "reassessment_applied"
    REASSESSMENT_CONCLUSION_DEADLINE = "reassessment_conclusion_deadline"
    REASSESSMENT_CONCLUDED = "reassessment_concluded"
    REVIEW_ASSESSMENT_POSSIBLE = "review_assessment_possible"
    RETURNED_TO_WORK = "returned_to_work"
    LEFT = "left"
    DEATH = "death"


@dataclass(frozen=True)
class TimelineItem:
    code: Code
    kind: ItemKind
    date: date
    status: ItemStatus
    article_zh: str
    article_en: str
    done_date: date | None = None
    late: bool = False
    optional: bool = False  # a right, not a duty: "overdue" means the window closed
    params: dict[str, str] = field(default_factory=dict)
    actor: Actor | None = None
    due_date: date | None = None  # for an event that met a deadline: that deadline

    @property
    def article(self) -> str:
        return f"{self.article_zh} / {self.article_en}"


def deadline_status(deadline: date, done_date: date | None, today: date, due_within_days: int = DUE_WITHIN_DAYS) -> ItemStatus:
    """Done once the act is recorded; else overdue after the deadline (which ends at 24:00, Civil
    Code Art. 203), due within ``due_within_days`` of it, upcoming before that."""
    if done_date is not None:
        return ItemStatus.DONE
    if today > deadline:
        return ItemStatus.OVERDUE
    if (deadline - today).days <= due_within_days:
        return ItemStatus.DUE
    return ItemStatus.UPCOMING


_AUTHORITIES = (Actor.DEPARTMENT, Actor.COMMITTEE)


class _Builder:
    def __init__(self, today: date, due_within_days: int) -> None:
        self.today = today
        self.due_within_days = due_within_days
        self.items: list[TimelineItem] = []

    def event(self, code: Code, on: date, citation: Citation, *, actor: Actor | None = None,
              due: date | None = None, **params: str) -> None:
        self.items.append(TimelineItem(code, ItemKind.EVENT, on, ItemStatus.DONE, citation.zh, citation.en,
                                       done_date=on, late=due is not None and on > due, params=params, actor=actor,
                                       due_date=due))

    def deadline(self, code: Code, due: date, citation: Citation, actor: Actor, *, optional: bool = False,
                 status: ItemStatus | None = None, **params: str) -> None:
        """An open deadline: the authorities' are waited for until they pass, the employer's and the
        worker's are due or upcoming."""
        if status is None:
            status = deadline_status(due, None, self.today, self.due_within_days)
            if actor in _AUTHORITIES and status is not ItemStatus.OVERDUE:
                status = ItemStatus.WAITING
        self.items.append(TimelineItem(code, ItemKind.DEADLINE, due, status, citation.zh, citation.en,
                                       optional=optional, params=params, actor=actor))

    def step(self, event_code: Code, deadline_code: Code, due: tuple[date, dict[str, str]], done: date | None,
             citation: Citation, actor: Actor, *, optional: bool = False,
             event_params: dict[str, str] | None = None, **params: str) -> None:
        """A deadline and the act that meets it, shown once: the event when done, else the deadline.
        ``due`` is the deadline and, when a rest day moved it, where from and why."""
        day, moved = due
        if done is not None:
            self.event(event_code, done, citation, actor=actor, due=day, **moved, **(event_params or {}))
        else:
            self.deadline(deadline_code, day, citation, actor, optional=optional, **moved, **params)

    def expected(self, code: Code, on: date, citation: Citation, *, status: ItemStatus | None = None,
                 actor: Actor | None = None, **params: str) -> None:
        if status is None:
            status = ItemStatus.DONE if on <= self.today else ItemStatus.UPCOMING
        self.items.append(TimelineItem(code, ItemKind.EXPECTED, on, status, citation.zh, citation.en, params=params,
                                       actor=actor))


def _first_conclusion_from(facts: CaseFacts, start: date) -> date | None:
    """The first assessment conclusion on or after ``start``: it ends that suspension's original pay."""
    dates = [d for d in (facts.assessment_concluded_date, facts.reassessment_concluded_date) if d and d >= start]
    return min(dates) if dates else None


def _last_day(facts: CaseFacts, period: SuspensionPeriod) -> tuple[date, bool]:
    """(last day of the period, whether a return to work ended it early: the day before the return)."""
    returned = facts.returned_to_work_date
    if returned is not None and period.start < returned <= period.end:
        return returned - timedelta(days=1), True
    return period.end, False


def _pay_stop_cause(stop: date, last_day: date, conclusion: date | None) -> str:
    """Why original pay stops on ``stop``: the period ran out, or the grade was assessed within it (Art. 33 ¶2)."""
    if conclusion is not None and conclusion <= last_day:
        return "assessed"
    return "period_ended"


def _pay_stop_state(facts: CaseFacts, stop: date, conclusion: date | None, today: date,
                    index: int) -> dict[str, Any]:
    """Original pay stops once HR confirms it (automatic trigger, human confirmation): done when
    confirmed and reached, waiting for HR when the assessment triggered it and HR has not yet
    confirmed, waiting for the committee when the period ended before any conclusion."""
    confirmed = facts.pay_stop_confirmed and index == 0 and conclusion is not None
    if confirmed:
        return {"status": ItemStatus.DONE if stop <= today else ItemStatus.UPCOMING, "actor": Actor.HR,
                "confirmed": "yes"}
    if conclusion is not None and conclusion <= today:
        return {"status": ItemStatus.WAITING, "actor": Actor.HR, "confirmed": "no"}
    if stop <= today:
        return {"status": ItemStatus.WAITING, "actor": Actor.COMMITTEE, "confirmed": "no"}
    return {"status": ItemStatus.UPCOMING, "actor": None, "confirmed": "no"}


def _due(deadline: Callable[..., date], start: date, holidays: Collection[date], **options: Any
         ) -> tuple[date, dict[str, str]]:
    """The deadline, and when a rest day moved it (Civil Code Art. 203) the date it fell on and why."""
    day = deadline(start, holidays, **options)
    unmoved = deadline(start, NO_HOLIDAYS, **options)
    if day == unmoved:
        return day, {}
    reason = holidays.reason(unmoved) if isinstance(holidays, HolidayCalendar) else "holiday"
    return day, {"moved_from": unmoved.isoformat(), "moved_reason": reason}


def case_timeline(
    facts: CaseFacts,
    policy: RegionalPolicy,
    today: date,
    holidays: Collection[date] = NO_HOLIDAYS,
    *,
    due_within_days: int = DUE_WITHIN_DAYS,
) -> list[TimelineItem]:
    """The case's events, deadlines and expected dates in date order, each with its article.

    ``policy`` is the regional policy in force on the accident date (extension cap, pay-stop rule);
    ``holidays`` are the non-working days that move deadlines (see ``portal.cases.rules.dates``).
    Raises ``CaseFactsError`` when ``validate_case_facts`` finds errors.
    """
    errors = validate_case_facts(facts, today, policy=policy)
    if errors:
        raise CaseFactsError(errors)
    b = _Builder(today, due_within_days)
    t0 = facts.accident_date
    b.event(Code.ACCIDENT, t0, citations.ACCIDENT)
    if facts.reported_date:
        b.event(Code.REPORTED, facts.reported_date, citations.EMPLOYER_FILING)

    # Recognition (Regulations Arts. 17–20; Recognition Measures Arts. 8, 22).
    applied = facts.recognition_applied_date
    applicant = facts.recognition_applicant
    employer_due, employer_moved = _due(employer_filing_deadline, t0, holidays,
                                        extension_days=facts.filing_extension_days,
                                        extension_cap_days=policy.recognition_extension_cap_days)
    worker_due, worker_moved = _due(worker_filing_deadline, t0, holidays, suspensions=facts.filing_suspensions)
    filed_or_today = applied if applied is not None else today
    missed = filed_or_today > employer_due
    employer_citation = citations.joined([citations.EMPLOYER_FILING, citations.LATE_FILING_COSTS]) if missed \
        else citations.EMPLOYER_FILING
    worker_citation = citations.joined([citations.WORKER_FILING, citations.FILING_SUSPENSION]) \
        if facts.filing_suspensions else citations.WORKER_FILING
    extension = {"extension_days": str(facts.filing_extension_days)} if facts.filing_extension_days else {}
    if applied is not None and applicant is Applicant.EMPLOYER:
        b.event(Code.RECOGNITION_APPLIED, applied, employer_citation, actor=Actor.EMPLOYER, due=employer_due,
                applicant=applicant.value, **extension, **employer_moved)
        b.deadline(Code.WORKER_FILING_DEADLINE, worker_due, worker_citation, Actor.WORKER, optional=True,
                   status=ItemStatus.NOT_APPLICABLE, **worker_moved)
    else:
        # The employer's duty stays open (or missed) until someone files; a filing by the worker,
        # a relative or the union before the employer's deadline makes the employer's not needed.
        employer_status = None
        if applied is not None:
            employer_status = ItemStatus.OVERDUE if missed else ItemStatus.NOT_APPLICABLE
        b.deadline(Code.EMPLOYER_FILING_DEADLINE, employer_due, employer_citation, Actor.EMPLOYER,
                   status=employer_status, **extension, **employer_moved)
        if applied is not None:
            b.event(Code.RECOGNITION_APPLIED, applied, worker_citation, actor=Actor.WORKER, due=worker_due,
                    applicant=applicant.value if applicant else "", **worker_moved)
        else:
            b.deadline(Code.WORKER_FILING_DEADLINE, worker_due, worker_citation, Actor.WORKER, optional=True,
                       **worker_moved)
    accepted = facts.recognition_accepted_date
    if applied:
        b.step(Code.RECOGNITION_ACCEPTED, Code.ACCEPTANCE_DEADLINE, _due(acceptance_deadline, applied, holidays), accepted,
               citations.ACCEPTANCE, Actor.DEPARTMENT)
    decided = facts.recognition_decided_date
    outcome = {"recognized": "yes" if facts.recognized else "no"}
    if accepted:
        decision_citation = citations.joined([citations.RECOGNITION_DECISION, citations.RECOGNITION_PAUSE]) \
            if facts.recognition_pauses else citations.RECOGNITION_DECISION
        b.step(Code.RECOGNITION_DECIDED, Code.RECOGNITION_DECISION_DEADLINE,
               _due(recognition_decision_deadline, accepted, holidays, simple=facts.recognition_simple,
                    pauses=facts.recognition_pauses),
               decided, decision_citation, Actor.DEPARTMENT, event_params=outcome,
               simple="yes" if facts.recognition_simple else "no")
    elif decided:
        b.event(Code.RECOGNITION_DECIDED, decided, citations.RECOGNITION_DECISION, actor=Actor.DEPARTMENT, **outcome)
    if decided:
        b.step(Code.DECISION_SERVED, Code.DECISION_SERVICE_DEADLINE, _due(decision_service_deadline, decided, holidays),
               facts.decision_served_date, citations.DECISION_SERVICE, Actor.DEPARTMENT)

    # Paid suspension periods (Regulations Arts. 33, 38).
    for index, period in enumerate(facts.suspensions):
        recurrence = {"recurrence": str(index)} if index else {}
        started_citation = citations.joined([citations.SUSPENSION_PAY, citations.RECURRENCE]) if index \
            else citations.SUSPENSION_PAY
        b.event(Code.SUSPENSION_STARTED, period.start, started_citation, **recurrence)
        last_day, returned_early = _last_day(facts, period)
        b.expected(Code.SUSPENSION_ENDS, last_day, citations.SUSPENSION_LENGTH,
                   confirmed="yes" if period.planned_end else "no",
                   extended="yes" if period.extended_end else "no",
                   ended_by=("returned_to_work" if returned_early else "period"), **recurrence)
        if not returned_early:
            conclusion = _first_conclusion_from(facts, period.start)
            stop = original_pay_stop_date(period.start, last_day, conclusion, rule=policy.pay_stop_rule)
            cause = _pay_stop_cause(stop, last_day, conclusion)
            b.expected(Code.ORIGINAL_PAY_STOPS, stop, citations.SUSPENSION_LENGTH,
                       **_pay_stop_state(facts, stop, conclusion, today, index), cause=cause,
                       period_end=last_day.isoformat(), **recurrence)

    # Labour capacity assessment (Regulations Arts. 21–29).
    concluded = facts.assessment_concluded_date
    grade_params = {"grade": str(facts.grade)} if facts.grade is not None else {}
    if facts.care_level is not None:
        grade_params["care_level"] = CareLevel(facts.care_level).value
    if facts.assessment_applied_date:
        b.event(Code.ASSESSMENT_APPLIED, facts.assessment_applied_date, citations.ASSESSMENT_APPLICATION)
        b.step(Code.ASSESSMENT_CONCLUDED, Code.ASSESSMENT_CONCLUSION_DEADLINE,
               _due(assessment_conclusion_deadline, facts.assessment_applied_date, holidays,
                    extended=facts.assessment_extended),
               concluded, citations.ASSESSMENT_CONCLUSION, Actor.COMMITTEE, event_params=grade_params,
               extended="yes" if facts.assessment_extended else "no")
    elif concluded:
        b.event(Code.ASSESSMENT_CONCLUDED, concluded, citations.ASSESSMENT_CONCLUSION, actor=Actor.COMMITTEE,
                **grade_params)
    r_applied = facts.reassessment_applied_date
    if concluded:
        b.step(Code.REASSESSMENT_APPLIED, Code.REASSESSMENT_REQUEST_DEADLINE,
               _due(reassessment_request_deadline, facts.assessment_received_date or concluded, holidays),
               r_applied, citations.REASSESSMENT, Actor.WORKER, optional=True)
    if r_applied:
        params = {"grade": str(facts.reassessment_grade)} if facts.reassessment_grade is not None else {}
        b.step(Code.REASSESSMENT_CONCLUDED, Code.REASSESSMENT_CONCLUSION_DEADLINE,
               _due(assessment_conclusion_deadline, r_applied, holidays, extended=facts.reassessment_extended),
               facts.reassessment_concluded_date, citations.REASSESSMENT, Actor.COMMITTEE, event_params=params,
               extended="yes" if facts.reassessment_extended else "no")
    final_conclusion = facts.reassessment_concluded_date or concluded
    if final_conclusion and facts.death_date is None:
        b.expected(Code.REVIEW_ASSESSMENT_POSSIBLE, review_assessment_earliest_date(final_conclusion),
                   citations.REVIEW_ASSESSMENT)

    if facts.returned_to_work_date:
        b.event(Code.RETURNED_TO_WORK, facts.returned_to_work_date, citations.SUSPENSION_LENGTH)
    if facts.left_date:
        b.event(Code.LEFT, facts.left_date, citations.LEAVING)
    if facts.death_date:
        b.event(Code.DEATH, facts.death_date, citations.DEATH)

    order = {code: index for index, code in enumerate(Code)}
    return sorted(b.items, key=lambda item: (item.date, order[item.code]))


class StatusCode(str, enum.Enum):
    """The one-sentence status of a case, most decisive first; the UI translates it with ``params``."""

    DECEASED = "deceased"  # params: date
    LEFT = "left"  # params: date
    RECOGNITION_REFUSED = "recognition_refused"  # params: decided
    REASSESSMENT_SUBMITTED = "reassessment_submitted"  # params: applied, expected_by
    SUBSIDY_EXPECTED = "subsidy_expected"  # params: grade, concluded, subsidy_months[, pay_stops_from]
    ASSESSED_WITHOUT_GRADE = "assessed_without_grade"  # params: concluded (no disability grade reached)
    ASSESSMENT_SUBMITTED = "assessment_submitted"  # params: applied, expected_by[, paid_until]
    SUSPENSION_PAID_UNTIL = "suspension_paid_until"  # params: start, until
    RETURNED_TO_WORK = "returned_to_work"  # params: date
    SUSPENSION_ENDED = "suspension_ended"  # params: ended (awaiting the assessment)
    RECOGNIZED = "recognized"  # params: decided
    RECOGNITION_PENDING = "recognition_pending"  # params: accepted, expected_by
    RECOGNITION_APPLIED = "recognition_applied"  # params: applied, acceptance_by
    RECOGNITION_DUE = "recognition_due"  # params: due
    RECOGNITION_OVERDUE = "recognition_overdue"  # params: due, worker_due


STATUS_CITATIONS = {
    StatusCode.DECEASED: citations.DEATH,
    StatusCode.LEFT: citations.LEAVING,
    StatusCode.RECOGNITION_REFUSED: citations.RECOGNITION_DECISION,
    StatusCode.REASSESSMENT_SUBMITTED: citations.REASSESSMENT,
    StatusCode.SUBSIDY_EXPECTED: citations.joined([citations.SUSPENSION_LENGTH, citations.DISABILITY_SUBSIDY]),
    StatusCode.ASSESSED_WITHOUT_GRADE: citations.ASSESSMENT_CONCLUSION,
    StatusCode.ASSESSMENT_SUBMITTED: citations.ASSESSMENT_CONCLUSION,
    StatusCode.SUSPENSION_PAID_UNTIL: citations.joined([citations.SUSPENSION_PAY, citations.SUSPENSION_LENGTH]),
    StatusCode.RETURNED_TO_WORK: citations.SUSPENSION_LENGTH,
    StatusCode.SUSPENSION_ENDED: citations.SUSPENSION_LENGTH,
    StatusCode.RECOGNIZED: citations.RECOGNITION_DECISION,
    StatusCode.RECOGNITION_PENDING: citations.RECOGNITION_DECISION,
    StatusCode.RECOGNITION_APPLIED: citations.ACCEPTANCE,
    StatusCode.RECOGNITION_DUE: citations.EMPLOYER_FILING,
    StatusCode.RECOGNITION_OVERDUE: citations.joined([citations.LATE_FILING_COSTS, citations.WORKER_FILING]),
}


@dataclass(frozen=True)
class StatusSentence:
    """The status as a code with parameters and the article it rests on."""

    code: StatusCode
    params: dict[str, str]

    @property
    def article_zh(self) -> str:
        return STATUS_CITATIONS[self.code].zh

    @property
    def article_en(self) -> str:
        return STATUS_CITATIONS[self.code].en


def _current_suspension(facts: CaseFacts, today: date) -> SuspensionPeriod | None:
    started = [p for p in facts.suspensions if p.start <= today]
    return max(started, key=lambda p: p.start) if started else None


def case_status_sentence(
    facts: CaseFacts, policy: RegionalPolicy, today: date, holidays: Collection[date] = NO_HOLIDAYS
) -> StatusSentence:
    """Where the case stands today, as a code with parameters ("suspension wages paid up to X",
    "assessment submitted", "subsidy expected"), the status the source case asks every employee to see.
    Raises ``CaseFactsError`` for inconsistent facts."""
    errors = validate_case_facts(facts, today, policy=policy)
    if errors:
        raise CaseFactsError(errors)
    iso = date.isoformat
    if facts.death_date:
        return StatusSentence(StatusCode.DECEASED, {"date": iso(facts.death_date)})
    if facts.left_date:
        return StatusSentence(StatusCode.LEFT, {"date": iso(facts.left_date)})
    if facts.recognition_decided_date and facts.recognized is False:
        return StatusSentence(StatusCode.RECOGNITION_REFUSED, {"decided": iso(facts.recognition_decided_date)})
    if facts.reassessment_applied_date and not facts.reassessment_concluded_date:
        due = assessment_conclusion_deadline(facts.reassessment_applied_date, holidays,
                                             extended=facts.reassessment_extended)
        return StatusSentence(StatusCode.REASSESSMENT_SUBMITTED,
                              {"applied": iso(facts.reassessment_applied_date), "expected_by": iso(due)})

    period = _current_suspension(facts, today)
    pay_stop = paid_until = last_day = None
    cause = ""
    if period is not None:
        last_day, returned_early = _last_day(facts, period)
        if not returned_early:
            conclusion = _first_conclusion_from(facts, period.start)
            pay_stop = original_pay_stop_date(period.start, last_day, conclusion, rule=policy.pay_stop_rule)
            paid_until = pay_stop - timedelta(days=1)
            cause = _pay_stop_cause(pay_stop, last_day, conclusion)

    grade = facts.final_grade
    if facts.assessment_concluded_date and grade is not None:
        params = {"grade": str(grade), "concluded": iso(facts.reassessment_concluded_date or facts.assessment_concluded_date),
                  "subsidy_months": str(DISABILITY_SUBSIDY_MONTHS[grade])}
        if pay_stop is not None and last_day is not None:
            params.update(pay_stops_from=iso(pay_stop), pay_stop_cause=cause, period_end=iso(last_day))
        return StatusSentence(StatusCode.SUBSIDY_EXPECTED, params)
    if facts.assessment_concluded_date and grade is None:
        return StatusSentence(StatusCode.ASSESSED_WITHOUT_GRADE,
                              {"concluded": iso(facts.reassessment_concluded_date or facts.assessment_concluded_date)})
    if facts.assessment_applied_date and not facts.assessment_concluded_date:
        due = assessment_conclusion_deadline(facts.assessment_applied_date, holidays, extended=facts.assessment_extended)
        params = {"applied": iso(facts.assessment_applied_date), "expected_by": iso(due)}
        if paid_until is not None and today < pay_stop:
            params["paid_until"] = iso(paid_until)
        return StatusSentence(StatusCode.ASSESSMENT_SUBMITTED, params)
    if period is not None and pay_stop is not None and today < pay_stop:
        return StatusSentence(StatusCode.SUSPENSION_PAID_UNTIL, {"start": iso(period.start), "until": iso(paid_until)})
    if facts.returned_to_work_date:
        return StatusSentence(StatusCode.RETURNED_TO_WORK, {"date": iso(facts.returned_to_work_date)})
    if period is not None and paid_until is not None:
        return StatusSentence(StatusCode.SUSPENSION_ENDED, {"ended": iso(paid_until)})
    if facts.recognition_decided_date:
        return StatusSentence(StatusCode.RECOGNIZED, {"decided": iso(facts.recognition_decided_date)})
    if facts.recognition_accepted_date:
        due = recognition_decision_deadline(facts.recognition_accepted_date, holidays, simple=facts.recognition_simple,
                                            pauses=facts.recognition_pauses)
        return StatusSentence(StatusCode.RECOGNITION_PENDING,
                              {"accepted": iso(facts.recognition_accepted_date), "expected_by": iso(due)})
    if facts.recognition_applied_date:
        return StatusSentence(StatusCode.RECOGNITION_APPLIED,
                              {"applied": iso(facts.recognition_applied_date),
                               "acceptance_by": iso(acceptance_deadline(facts.recognition_applied_date, holidays))})
    employer_due = employer_filing_deadline(facts.accident_date, holidays, extension_days=facts.filing_extension_days,
                                            extension_cap_days=policy.recognition_extension_cap_days)
    if today <= employer_due:
        return StatusSentence(StatusCode.RECOGNITION_DUE, {"due": iso(employer_due)})
    worker_due = worker_filing_deadline(facts.accident_date, holidays, suspensions=facts.filing_suspensions)
    return StatusSentence(StatusCode.RECOGNITION_OVERDUE, {"due": iso(employer_due), "worker_due": iso(worker_due)})
