"""Date counting and the procedural deadlines of a case.

Periods are counted as the Civil Code counts them (Arts. 200–204), which is the sensible default for
administrative deadlines too (the fact sheet marks that extension UNCONFIRMED):

* the start day is not counted: a period of N days from day D ends on D + N;
* a period of months or years ends on the same-numbered day of the end month, or on that month's
  last day when it has no such day (2026-01-31 + 1 month → 2026-02-28);
* a deadline that falls on a statutory holiday moves to the next working day;
* a deadline ends at 24:00 of its last day, so an act on that day is in time.

Which days are not working days is the caller's business: pass them as ``holidays``. Weekends are
**not** assumed to be free, because the State Council's holiday arrangements swap weekend days for
working days (调休); pass the weekend dates in ``holidays`` when they are non-working days.
Without ``holidays`` no deadline moves.

Pauses ("suspension intervals", S10 Art. 7; the paused recognition clock, Regulations Art. 20 ¶3)
are inclusive ``(start, end)`` date pairs. Days inside a pause are not counted, so a deadline moves
later by the number of paused days that fall inside the running period; overlapping pauses count once.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable
from datetime import date, timedelta

from portal.cases.rules.policy import DEFAULT_RECOGNITION_EXTENSION_CAP_DAYS, PayStopRule

NO_HOLIDAYS: frozenset[date] = frozenset()
Interval = tuple[date, date]

EMPLOYER_FILING_DAYS = 30  # Regulations Art. 17 ¶1
WORKER_FILING_YEARS = 1  # Regulations Art. 17 ¶2
ACCEPTANCE_DAYS = 15  # Recognition Measures Art. 8
RECOGNITION_DAYS = 60  # Regulations Art. 20 ¶1
SIMPLE_RECOGNITION_DAYS = 15  # Regulations Art. 20 ¶2
SERVICE_DAYS = 20  # Recognition Measures Art. 22
ASSESSMENT_DAYS = 60  # Regulations Art. 25 ¶2
ASSESSMENT_EXTENSION_DAYS = 30  # Regulations Art. 25 ¶2
REASSESSMENT_REQUEST_DAYS = 15  # Regulations Art. 26
SUSPENSION_MONTHS_MAX = 12  # Regulations Art. 33 ¶2
SUSPENSION_EXTENSION_MONTHS_MAX = 12
SUSPENSION_TOTAL_MONTHS_MAX = 24


def _whole(value: int, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum} (got {value})")
    return value


def add_months(start: date, months: int) -> date:
    """The same-numbered day ``months`` later, or that month's last day if it has none (Civil Code Art. 202)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def next_working_day(day: date, holidays: Collection[date] = NO_HOLIDAYS) -> date:
    """``day`` itself, or the first later day that is not in ``holidays`` (Civil Code Art. 203)."""
    while day in holidays:
        day += timedelta(days=1)
    return day


def _merged(pauses: Iterable[Interval], name: str) -> list[Interval]:
    intervals = []
    for start, end in pauses:
        if end < start:
            raise ValueError(f"{name}: a pause ends ({end.isoformat()}) before it starts ({start.isoformat()})")
        intervals.append((start, end))
    intervals.sort()
    merged: list[Interval] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def paused_end(start: date, end: date, pauses: Iterable[Interval] = (), *, name: str = "pauses") -> date:
    """The end of the period ``start`` → ``end`` once paused days are not counted (S10 Art. 7 for the
    worker's filing window, Regulations Art. 20 ¶3 for the recognition decision).

    The period holds ``end - start`` counted days (the start day itself is never counted); the
    walk below skips every paused day after ``start`` until that many days have been counted.
    """
    remaining = (end - start).days
    cursor = start  # the last day already passed
    for pause_start, pause_end in _merged(pauses, name):
        if pause_end <= cursor:
            continue
        pause_start = max(pause_start, cursor + timedelta(days=1))
        free = (pause_start - cursor).days - 1
        if remaining <= free:
            break
        remaining -= free
        cursor = pause_end
    return cursor + timedelta(days=remaining)


def period_end(
    start: date,
    *,
    days: int = 0,
    months: int = 0,
    years: int = 0,
    holidays: Collection[date] = NO_HOLIDAYS,
    pauses: Iterable[Interval] = (),
) -> date:
    """The last day of a period counted from ``start`` (Civil Code Arts. 200–204).

    Months and years are added first (to the same-numbered day), then days; paused days are then
    skipped and a last day in ``holidays`` moves to the next working day.
    """
    end = add_months(start, _whole(months, "months") + 12 * _whole(years, "years")) + timedelta(days=_whole(days, "days"))
    return next_working_day(paused_end(start, end, pauses), holidays)


def employer_filing_deadline(
    accident_date: date,
    holidays: Collection[date] = NO_HOLIDAYS,
    *,
    extension_days: int = 0,
    extension_cap_days: int | None = DEFAULT_RECOGNITION_EXTENSION_CAP_DAYS,
) -> date:
    """The employer's last day to apply for injury recognition: T0 + 30 days (Regulations Art. 17 ¶1).

    ``accident_date`` is T0: the accident, or the diagnosis or assessment of an occupational disease.
    The department may approve a later date in special circumstances; ``extension_days`` is the
    approved extension, refused above ``extension_cap_days`` (a provincial cap, 30 days in the one
    rule found, UNCONFIRMED: pass ``policy.recognition_extension_cap_days``; None means no cap, as in
    the national text). A filing after this date makes the employer bear the costs of the delay (Art. 17 ¶4).
    """
    _whole(extension_days, "extension_days")
    if extension_cap_days is not None and extension_days > extension_cap_days:
        raise ValueError(f"extension_days must not exceed the regional cap of {extension_cap_days} days "
                         f"(got {extension_days})")
    return period_end(accident_date, days=EMPLOYER_FILING_DAYS + extension_days, holidays=holidays)


def worker_filing_deadline(
    accident_date: date, holidays: Collection[date] = NO_HOLIDAYS, *, suspensions: Iterable[Interval] = ()
) -> date:
    """The last day for the worker, close relatives or the trade union to apply: T0 + 1 year
    (Regulations Art. 17 ¶2), later by the ``suspensions``: time lost for reasons not attributable
    to them (force majeure, restricted freedom, the employer, the department's registration system, a
    pending dispute over the labour relationship) is not counted (S10: SPC Provisions on Work-Injury
    Insurance Administrative Cases Art. 7)."""
    return period_end(accident_date, years=WORKER_FILING_YEARS, holidays=holidays, pauses=suspensions)


def acceptance_deadline(received_date: date, holidays: Collection[date] = NO_HOLIDAYS) -> date:
    """The department decides whether to accept within 15 days of receiving the application
    (Recognition Measures Art. 8). After a notice of missing materials a new 15 days runs from
    receipt of the last supplement (Regulations Art. 18 ¶3): pass that date as ``received_date``."""
    return period_end(received_date, days=ACCEPTANCE_DAYS, holidays=holidays)


def recognition_decision_deadline(
    accepted_date: date,
    holidays: Collection[date] = NO_HOLIDAYS,
    *,
    simple: bool = False,
    pauses: Iterable[Interval] = (),
) -> date:
    """The recognition decision is due 60 days after acceptance, 15 for a clear and simple case
    (Regulations Art. 20 ¶¶1–2). The clock stops while a judicial or administrative conclusion is
    awaited (Art. 20 ¶3) or a labour-relationship dispute is in arbitration (人社部发〔2013〕34号 item 5):
    pass those intervals as ``pauses``."""
    days = SIMPLE_RECOGNITION_DAYS if simple else RECOGNITION_DAYS
    return period_end(accepted_date, days=days, holidays=holidays, pauses=pauses)


def decision_service_deadline(decision_date: date, holidays: Collection[date] = NO_HOLIDAYS) -> date:
    """The decision is served on the worker and the employer within 20 days (Recognition Measures Art. 22)."""
    return period_end(decision_date, days=SERVICE_DAYS, holidays=holidays)


def assessment_conclusion_deadline(
    applied_date: date, holidays: Collection[date] = NO_HOLIDAYS, *, extended: bool = False
) -> date:
    """The assessment committee concludes within 60 days of the application, 90 when it extends by
    30 days (Regulations Art. 25 ¶2). Re-assessments and review assessments follow the same timeline (Art. 29)."""
    days = ASSESSMENT_DAYS + (ASSESSMENT_EXTENSION_DAYS if extended else 0)
    return period_end(applied_date, days=days, holidays=holidays)


def reassessment_request_deadline(conclusion_received_date: date, holidays: Collection[date] = NO_HOLIDAYS) -> date:
    """A party who disagrees asks the provincial committee for re-assessment within 15 days of
    receiving the city-level conclusion (Regulations Art. 26)."""
    return period_end(conclusion_received_date, days=REASSESSMENT_REQUEST_DAYS, holidays=holidays)


def review_assessment_earliest_date(conclusion_date: date) -> date:
    """The first day a review assessment (复查鉴定) may be requested: once a full year has passed
    since the conclusion (Regulations Art. 28, "1年后").

    The year ends at 24:00 on the anniversary (Civil Code Arts. 201–202), so the first day after it
    is the anniversary + 1 day. This is an earliest date, not a deadline: holidays do not move it.
    """
    return add_months(conclusion_date, 12) + timedelta(days=1)


def suspension_end(start: date, months: int, extension_months: int = 0) -> date:
    """The last day of the paid suspension period (停工留薪期, Regulations Art. 33 ¶2).

    Normally at most 12 months; the city-level assessment committee may confirm up to 12 more, so
    never more than 24. ``start`` is the day the suspension begins, usually the accident day; as a
    Civil Code period its start day is not counted, so the period ends on the same-numbered day
    ``months + extension_months`` later (the accident day itself was a working day). The end of a
    benefit period is not an act deadline, so holidays do not move it.
    """
    _whole(months, "months")
    _whole(extension_months, "extension_months")
    if months > SUSPENSION_MONTHS_MAX:
        raise ValueError(f"months must not exceed {SUSPENSION_MONTHS_MAX} (got {months}); longer periods need "
                         "an extension confirmed by the assessment committee (Regulations Art. 33 ¶2)")
    if extension_months > SUSPENSION_EXTENSION_MONTHS_MAX:
        raise ValueError(f"extension_months must not exceed {SUSPENSION_EXTENSION_MONTHS_MAX} (got {extension_months})")
    if months + extension_months > SUSPENSION_TOTAL_MONTHS_MAX:
        raise ValueError(f"months + extension_months must not exceed {SUSPENSION_TOTAL_MONTHS_MAX} "
                         f"(got {months + extension_months})")
    return add_months(start, months + extension_months)


def original_pay_stop_date(
    suspension_start: date,
    suspension_end: date,
    assessment_conclusion_date: date | None = None,
    *,
    rule: PayStopRule = PayStopRule.DAY_AFTER,
) -> date:
    """The first day without original pay: the paid suspension period ends, or the disability
    grade is assessed, whichever comes first (Regulations Art. 33 ¶2: "评定伤残等级后，停发原待遇").

    The original pay covers that earlier day in full. Under ``PayStopRule.DAY_AFTER`` (default)
    it stops on the next day; under ``PayStopRule.NEXT_MONTH`` on the first day of the next month,
    as monthly payrolls do (the source case's "stop wages from month Y"). The Regulations do not
    say which; pass ``policy.pay_stop_rule``.
    """
    if suspension_end < suspension_start:
        raise ValueError("suspension_end must not be before suspension_start")
    if assessment_conclusion_date is not None and assessment_conclusion_date < suspension_start:
        raise ValueError("assessment_conclusion_date must not be before suspension_start: "
                         "an earlier conclusion cannot end this suspension period")
    last_paid = suspension_end if assessment_conclusion_date is None else min(suspension_end, assessment_conclusion_date)
    if PayStopRule(rule) is PayStopRule.NEXT_MONTH:
        return add_months(last_paid.replace(day=1), 1)
    return last_paid + timedelta(days=1)
