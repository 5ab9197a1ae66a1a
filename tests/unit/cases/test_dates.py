"""Date counting (Civil Code Arts. 200–204) and the procedural deadlines, without Flask."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.cases.rules import (
    PayStopRule,
    acceptance_deadline,
    add_months,
    assessment_conclusion_deadline,
    decision_service_deadline,
    employer_filing_deadline,
    next_working_day,
    original_pay_stop_date,
    period_end,
    reassessment_request_deadline,
    recognition_decision_deadline,
    review_assessment_earliest_date,
    suspension_end,
    worker_filing_deadline,
)


def days(start: date, end: date) -> frozenset[date]:
    """Every date from ``start`` to ``end`` inclusive."""
    return frozenset(start + timedelta(days=n) for n in range((end - start).days + 1))


NATIONAL_DAY_2026 = days(date(2026, 10, 1), date(2026, 10, 7))
LABOUR_DAY_2026 = days(date(2026, 5, 1), date(2026, 5, 5))


@pytest.mark.parametrize("start,months,expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: the month's last day
    (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2028, 2, 29), 48, date(2032, 2, 29)),
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 3, 2), 6, date(2026, 9, 2)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 3, 2), 0, date(2026, 3, 2)),
])
def test_add_months_same_numbered_day_or_month_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("start,kwargs,expected", [
    (date(2026, 3, 2), {"days": 30}, date(2026, 4, 1)),  # the start day is not counted
    (date(2026, 3, 2), {"days": 1}, date(2026, 3, 3)),
    (date(2026, 1, 31), {"months": 1}, date(2026, 2, 28)),
    (date(2028, 1, 31), {"months": 1}, date(2028, 2, 29)),
    (date(2028, 2, 29), {"years": 1}, date(2029, 2, 28)),
    (date(2026, 9, 1), {"days": 30}, date(2026, 10, 1)),
    (date(2026, 9, 1), {"days": 30, "holidays": NATIONAL_DAY_2026}, date(2026, 10, 8)),
])
def test_period_end(start, kwargs, expected):
    assert period_end(start, **kwargs) == expected


def test_period_end_refuses_negative_lengths():
    with pytest.raises(ValueError, match="days"):
        period_end(date(2026, 1, 1), days=-1)


@pytest.mark.parametrize("day,holidays,expected", [
    (date(2026, 10, 3), NATIONAL_DAY_2026, date(2026, 10, 8)),
    (date(2026, 10, 8), NATIONAL_DAY_2026, date(2026, 10, 8)),
    (date(2026, 10, 10), NATIONAL_DAY_2026, date(2026, 10, 10)),  # a Saturday: weekends only count if passed
    (date(2026, 10, 10), NATIONAL_DAY_2026 | days(date(2026, 10, 10), date(2026, 10, 11)), date(2026, 10, 12)),
    (date(2026, 10, 3), frozenset(), date(2026, 10, 3)),
])
def test_next_working_day(day, holidays, expected):
    assert next_working_day(day, holidays) == expected


# Regulations Art. 17 ¶1: employer, T0 + 30 days, an extension up to the regional cap.
@pytest.mark.parametrize("accident,holidays,extension,expected", [
    (date(2026, 3, 2), frozenset(), 0, date(2026, 4, 1)),
    (date(2026, 1, 31), frozenset(), 0, date(2026, 3, 2)),
    (date(2026, 9, 1), NATIONAL_DAY_2026, 0, date(2026, 10, 8)),  # 1 October is a holiday
    (date(2026, 3, 2), frozenset(), 30, date(2026, 5, 1)),
    (date(2026, 3, 2), LABOUR_DAY_2026, 30, date(2026, 5, 6)),
])
def test_employer_filing_deadline(accident, holidays, extension, expected):
    assert employer_filing_deadline(accident, holidays, extension_days=extension) == expected


def test_employer_filing_extension_cap():
    with pytest.raises(ValueError, match="extension_days must not exceed the regional cap of 30 days"):
        employer_filing_deadline(date(2026, 3, 2), extension_days=31)
    assert employer_filing_deadline(date(2026, 3, 2), extension_days=31, extension_cap_days=None) == date(2026, 5, 2)
    with pytest.raises(ValueError, match="extension_days"):
        employer_filing_deadline(date(2026, 3, 2), extension_days=-1)


# Regulations Art. 17 ¶2 and S10 Art. 7: worker, T0 + 1 year, later by time lost through no fault of theirs.
@pytest.mark.parametrize("accident,suspensions,expected", [
    (date(2026, 3, 2), [], date(2027, 3, 2)),
    (date(2028, 2, 29), [], date(2029, 2, 28)),
    (date(2026, 3, 2), [(date(2026, 4, 1), date(2026, 4, 30))], date(2027, 4, 1)),  # 30 days not counted
    (date(2026, 3, 2), [(date(2026, 4, 1), date(2026, 4, 30)), (date(2026, 4, 20), date(2026, 5, 9))],
     date(2027, 4, 10)),  # overlapping intervals count once: 39 days
    (date(2026, 3, 2), [(date(2026, 4, 1), date(2026, 4, 10)), (date(2026, 6, 1), date(2026, 6, 10))],
     date(2027, 3, 22)),
    (date(2026, 3, 2), [(date(2025, 1, 1), date(2026, 3, 1))], date(2027, 3, 2)),  # before T0: ignored
    (date(2026, 3, 2), [(date(2026, 2, 1), date(2026, 3, 11))], date(2027, 3, 11)),  # only 3–11 March count
    (date(2026, 3, 2), [(date(2027, 3, 3), date(2027, 6, 1))], date(2027, 3, 2)),  # after the window: no effect
    (date(2026, 3, 2), [(date(2027, 3, 1), date(2027, 3, 31))], date(2027, 4, 2)),  # straddles the end: all 31 days
    (date(2026, 3, 2), [(date(2026, 3, 3), date(2026, 3, 3))], date(2027, 3, 3)),
])
def test_worker_filing_deadline_with_suspension_intervals(accident, suspensions, expected):
    assert worker_filing_deadline(accident, suspensions=suspensions) == expected


def test_worker_filing_deadline_moves_off_holidays_after_the_intervals():
    holidays = days(date(2027, 4, 1), date(2027, 4, 5))
    assert worker_filing_deadline(date(2026, 3, 2), holidays,
                                  suspensions=[(date(2026, 4, 1), date(2026, 4, 30))]) == date(2027, 4, 6)


def test_suspension_interval_must_not_end_before_it_starts():
    with pytest.raises(ValueError, match="pauses"):
        worker_filing_deadline(date(2026, 3, 2), suspensions=[(date(2026, 5, 1), date(2026, 4, 1))])


@pytest.mark.parametrize("function,start,kwargs,expected", [
    (acceptance_deadline, date(2026, 4, 1), {}, date(2026, 4, 16)),  # Recognition Measures Art. 8
    (recognition_decision_deadline, date(2026, 4, 16), {}, date(2026, 6, 15)),  # Regulations Art. 20
    (recognition_decision_deadline, date(2026, 4, 16), {"simple": True}, date(2026, 5, 1)),
    (recognition_decision_deadline, date(2026, 4, 16), {"simple": True, "holidays": LABOUR_DAY_2026},
     date(2026, 5, 6)),
    (recognition_decision_deadline, date(2026, 4, 16), {"pauses": [(date(2026, 5, 1), date(2026, 5, 10))]},
     date(2026, 6, 25)),  # Art. 20 ¶3: 10 days paused
    (decision_service_deadline, date(2026, 6, 15), {}, date(2026, 7, 5)),  # Recognition Measures Art. 22
    (assessment_conclusion_deadline, date(2026, 8, 10), {}, date(2026, 10, 9)),  # Regulations Art. 25
    (assessment_conclusion_deadline, date(2026, 8, 10), {"extended": True}, date(2026, 11, 8)),
    (assessment_conclusion_deadline, date(2026, 8, 3), {"holidays": NATIONAL_DAY_2026}, date(2026, 10, 8)),
    (reassessment_request_deadline, date(2026, 9, 1), {}, date(2026, 9, 16)),  # Regulations Art. 26
])
def test_procedural_deadlines(function, start, kwargs, expected):
    holidays = kwargs.pop("holidays", frozenset())
    assert function(start, holidays, **kwargs) == expected


@pytest.mark.parametrize("concluded,expected", [
    (date(2026, 9, 1), date(2027, 9, 2)),
    (date(2028, 2, 29), date(2029, 3, 1)),  # the year ends on 28 February 2029
    (date(2026, 12, 31), date(2028, 1, 1)),
])
def test_review_assessment_earliest_date(concluded, expected):
    assert review_assessment_earliest_date(concluded) == expected


# Regulations Art. 33 ¶2: 12 months, up to 12 more confirmed by the committee, 24 at most.
@pytest.mark.parametrize("start,months,extension,expected", [
    (date(2026, 3, 2), 6, 0, date(2026, 9, 2)),
    (date(2026, 3, 2), 12, 0, date(2027, 3, 2)),
    (date(2026, 3, 2), 12, 12, date(2028, 3, 2)),
    (date(2026, 3, 2), 6, 12, date(2027, 9, 2)),
    (date(2026, 1, 31), 1, 0, date(2026, 2, 28)),
    (date(2027, 2, 28), 12, 0, date(2028, 2, 28)),
    (date(2026, 3, 2), 0, 0, date(2026, 3, 2)),
])
def test_suspension_end(start, months, extension, expected):
    assert suspension_end(start, months, extension) == expected


@pytest.mark.parametrize("months,extension,field", [
    (13, 0, "months"),
    (12, 13, "extension_months"),  # 25 months
    (13, 12, "months"),  # 25 months
    (-1, 0, "months"),
    (6, -1, "extension_months"),
])
def test_suspension_end_limits(months, extension, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        suspension_end(date(2026, 3, 2), months, extension)


@pytest.mark.parametrize("end,conclusion,rule,expected", [
    (date(2026, 9, 2), date(2026, 9, 1), PayStopRule.DAY_AFTER, date(2026, 9, 2)),  # assessed first
    (date(2026, 9, 2), date(2026, 9, 1), PayStopRule.NEXT_MONTH, date(2026, 10, 1)),
    (date(2026, 9, 2), None, PayStopRule.DAY_AFTER, date(2026, 9, 3)),  # period ends first
    (date(2026, 9, 2), date(2026, 10, 15), PayStopRule.DAY_AFTER, date(2026, 9, 3)),
    (date(2026, 9, 2), date(2026, 9, 2), PayStopRule.DAY_AFTER, date(2026, 9, 3)),
    (date(2026, 8, 31), None, PayStopRule.NEXT_MONTH, date(2026, 9, 1)),
    (date(2026, 12, 10), None, PayStopRule.NEXT_MONTH, date(2027, 1, 1)),
])
def test_original_pay_stop_date(end, conclusion, rule, expected):
    assert original_pay_stop_date(date(2026, 3, 2), end, conclusion, rule=rule) == expected


def test_original_pay_stop_date_errors():
    with pytest.raises(ValueError, match="suspension_end"):
        original_pay_stop_date(date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(ValueError, match="assessment_conclusion_date"):
        original_pay_stop_date(date(2026, 3, 2), date(2026, 9, 2), date(2026, 3, 1))
