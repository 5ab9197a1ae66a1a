"""Course rules, without Flask."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.courses.rules import (
    Audience,
    MINIMUM_READING_FLOOR,
    LessonRead,
    Missing,
    Status,
    acknowledgement_blockers,
    acknowledgement_statement,
    audiences_on_hire,
    due_date,
    quiz_result,
    reading_counts,
    reading_units,
    minimum_reading_seconds,
    receipt_number,
    seconds_between,
    status,
    typed_name_matches,
)
from portal.org.rules import ContractType

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize("contract,audiences", [
    (ContractType.REGULAR, [Audience.ONBOARDING]),
    (ContractType.FIXED_TERM, [Audience.ONBOARDING]),
    (ContractType.SHORT_TERM, [Audience.ONBOARDING, Audience.SHORT_TENURE]),
])
def test_audiences_on_hire(contract, audiences):
    assert audiences_on_hire(contract) == audiences


def test_due_date_counts_calendar_days():
    assert due_date(date(2026, 11, 20), 14) == date(2026, 12, 4)


@pytest.mark.parametrize("opened,passed,acked,due,expected", [
    (False, False, False, TODAY, Status.NOT_STARTED),
    (True, False, False, TODAY, Status.IN_PROGRESS),
    (True, True, False, TODAY, Status.QUIZ_PASSED),
    (True, True, True, TODAY, Status.ACKNOWLEDGED),
    (False, False, False, TODAY - timedelta(days=1), Status.OVERDUE),
    (True, True, False, TODAY - timedelta(days=1), Status.OVERDUE),
    (True, True, True, TODAY - timedelta(days=30), Status.ACKNOWLEDGED),
])
def test_status_on_the_due_date_boundary(opened, passed, acked, due, expected):
    assert status(opened=opened, quiz_passed=passed, acknowledged=acked, due=due, today=TODAY) is expected


def test_blockers():
    assert acknowledgement_blockers([1, 2, 3], [1, 2], False) == [Missing.LESSONS, Missing.QUIZ]
    assert acknowledgement_blockers([1, 2, 3], [3, 2, 1], False) == [Missing.QUIZ]
    assert acknowledgement_blockers([1, 2, 3], [1, 2, 3], True) == []


@pytest.mark.parametrize("right,mark,percent,passed", [
    (8 * [True], 80, 100, True),
    (4 * [True] + [False], 80, 80, True),
    (3 * [True] + [False], 80, 75, False),
    (7 * [True] + 2 * [False], 80, 77, False),
])
def test_quiz_result_rounds_down(right, mark, percent, passed):
    result = quiz_result({f"q{i}": ok for i, ok in enumerate(right)}, mark)
    assert (result.percent, result.passed) == (percent, passed)


@given(st.lists(st.booleans(), min_size=1, max_size=20), st.integers(1, 100))
def test_quiz_passes_exactly_when_the_share_reaches_the_mark(right, mark):
    result = quiz_result({f"q{i}": ok for i, ok in enumerate(right)}, mark)
    assert 0 <= result.percent <= 100 and result.correct == sum(right)
    if all(right):
        assert result.passed
    if result.passed:  # one more right answer never turns a pass into a fail
        assert quiz_result({**{f"q{i}": ok for i, ok in enumerate(right)}, "extra": True}, mark).passed


def test_statement_names_title_and_version_in_both_languages():
    assert acknowledgement_statement("zh_CN", "社保责任划分", 2).startswith("我已阅读并理解《社保责任划分》第 2 版")
    assert "version 2 of “Who pays”" in acknowledgement_statement("en", "Who pays", 2)


@pytest.mark.parametrize("typed,ok", [("李强", True), (" 李 强 ", True), ("李强强", False), ("", False),
                                      ("ｌｉ ｑｉａｎｇ", False)])
def test_typed_name(typed, ok):
    assert typed_name_matches(typed, "李强") is ok


def test_typed_name_ignores_width_and_case():
    assert typed_name_matches("ｌｉ qiang", "Li Qiang")


def test_receipt_number():
    assert receipt_number(123, date(2026, 11, 26)) == "R20261126-000123"


@given(st.floats(0, 1e9), st.floats(0, 1e9))
def test_seconds_spent_is_never_negative_nor_above_the_cap(start, end):
    assert 0 <= seconds_between(start, end) <= 4 * 3600


def test_statement_names_each_lesson_read_and_when():
    lessons = [LessonRead(1, "什么是工伤", "2026-11-29 09:00:05"), LessonRead(2, "怎么报告", "2026-11-29 09:04:10")]
    zh = acknowledgement_statement("zh_CN", "工伤基础", 1, lessons)
    assert ("第 1 课《什么是工伤》于 2026-11-29 09:00:05 读完；第 2 课《怎么报告》于 2026-11-29 09:04:10 读完"
            in zh)
    en = acknowledgement_statement("en", "Basics", 1, lessons[:1])
    assert "(lesson 1 “什么是工伤” finished 2026-11-29 09:00:05)" in en


@pytest.mark.parametrize("text, units", [
    ("工伤认定", (4, 0)), ("Work injury is recognised.", (0, 4)), ("第 3 条：Article 14 applies。", (2, 4)),
    ("— ** —", (0, 0)),
])
def test_reading_units_count_cjk_characters_and_words(text, units):
    assert reading_units(text) == units


def test_minimum_reading_time_scales_with_length():
    assert minimum_reading_seconds("短") == MINIMUM_READING_FLOOR
    assert minimum_reading_seconds("字" * 900) == 60  # 15 characters a second
    assert minimum_reading_seconds("word " * 800) == 100  # 8 words a second
    assert minimum_reading_seconds("字" * 900, scale=0) == 0
    assert reading_counts(60, 60) and not reading_counts(59, 60)


@given(st.text(), st.text())
def test_minimum_reading_time_never_shrinks_when_text_is_added(first, second):
    assert minimum_reading_seconds(first + "\n" + second) >= minimum_reading_seconds(first) >= MINIMUM_READING_FLOOR
