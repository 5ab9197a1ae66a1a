"""Rest days move deadlines (Civil Code Art. 203): the maintained calendar, HR's overrides, and the
timeline saying when and why a deadline moved."""

from __future__ import annotations

import dataclasses
from datetime import date

from chinese_calendar import constants
from hypothesis import given
from hypothesis import strategies as st

from portal.cases.rules import (
    DEMO_POLICY,
    Code,
    HolidayCalendar,
    Override,
    assessment_conclusion_deadline,
    case_timeline,
    next_working_day,
)
from tests.unit.cases.test_timeline import IN_SUSPENSION

SOURCE = HolidayCalendar.build(constants.holidays, constants.workdays)


def test_national_day_and_its_adjusted_working_days():
    assert date(2026, 10, 1) in SOURCE and SOURCE.reason(date(2026, 10, 1)) == "National Day"
    assert date(2026, 10, 10) not in SOURCE  # a Saturday worked (调休)
    assert date(2026, 10, 11) in SOURCE and SOURCE.reason(date(2026, 10, 11)) == "weekend"
    assert next_working_day(date(2026, 10, 1), SOURCE) == date(2026, 10, 8)
    assert SOURCE.covers(2026) and not SOURCE.covers(2099)


def test_hr_overrides_win_over_the_source():
    calendar = HolidayCalendar.build(constants.holidays, constants.workdays, [
        Override(date(2027, 10, 1), False, "国庆节"), Override(date(2026, 10, 2), True, "test")])
    assert date(2027, 10, 1) in calendar and calendar.reason(date(2027, 10, 1)) == "国庆节"
    assert date(2026, 10, 2) not in calendar
    assert calendar.covers(2027)
    assert next_working_day(date(2027, 10, 1), calendar) == date(2027, 10, 4)  # then a weekend


def test_the_timeline_says_when_a_deadline_moved_and_why():
    # Assessment applied on 2 Aug 2026: 60 days end on 1 Oct, National Day; the next working day is 8 Oct.
    facts = dataclasses.replace(IN_SUSPENSION, assessment_applied_date=date(2026, 8, 2))
    item = {i.code: i for i in case_timeline(facts, DEMO_POLICY, date(2026, 8, 20), SOURCE)}[
        Code.ASSESSMENT_CONCLUSION_DEADLINE]
    assert item.date == date(2026, 10, 8)
    assert item.params["moved_from"] == "2026-10-01" and item.params["moved_reason"] == "National Day"
    plain = {i.code: i for i in case_timeline(facts, DEMO_POLICY, date(2026, 8, 20))}[
        Code.ASSESSMENT_CONCLUSION_DEADLINE]
    assert plain.date == date(2026, 10, 1) and "moved_from" not in plain.params


@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)))
def test_a_moved_deadline_is_the_first_working_day_on_or_after_the_period_end(applied):
    due = assessment_conclusion_deadline(applied, SOURCE)
    unmoved = assessment_conclusion_deadline(applied)
    assert due >= unmoved and due not in SOURCE
    assert all(day in SOURCE for day in (date.fromordinal(n) for n in range(unmoved.toordinal(), due.toordinal())))
