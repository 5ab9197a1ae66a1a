"""Lifecycle rules: diff summaries, expiry by Civil Code month counting, validity and reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.lifecycle.rules import (
    ChangeKind,
    LaterVersion,
    Validity,
    diff_summary,
    expires_on,
    first_acknowledged_on,
    reminder_due,
    standing,
    validity,
)

OLD = {"title": {"zh_CN": "通知", "en": "Notice"}, "body": {"zh_CN": "第一行\n第二行", "en": "One"},
       "lessons": [{"number": 1, "markdown": "a\nb"}]}


def test_diff_names_the_changed_parts_and_counts_lines():
    new = {**OLD, "body": {"zh_CN": "第一行\n第二行改\n第三行", "en": "One"},
           "lessons": [{"number": 1, "markdown": "a\nb"}, {"number": 2, "markdown": "c"}]}
    assert diff_summary(OLD, new) == {"changed": ["body/zh_CN"], "added": ["lessons/2/markdown", "lessons/2/number"],
                                      "removed": [], "lines_added": 4, "lines_removed": 1}


def test_diff_of_equal_snapshots_is_empty():
    assert diff_summary(OLD, OLD) == {"changed": [], "added": [], "removed": [], "lines_added": 0, "lines_removed": 0}


@given(st.dictionaries(st.sampled_from("abcde"), st.text(max_size=20)),
       st.dictionaries(st.sampled_from("abcde"), st.text(max_size=20)))
def test_diff_parts_are_exactly_the_keys_that_differ(old, new):
    summary = diff_summary(old, new)
    assert set(summary["changed"]) == {k for k in old.keys() & new.keys() if old[k] != new[k]}
    assert set(summary["added"]) == new.keys() - old.keys() and set(summary["removed"]) == old.keys() - new.keys()


@pytest.mark.parametrize("acknowledged,months,expected", [
    (date(2025, 1, 10), 12, date(2026, 1, 10)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),  # no 31 February: the month's last day (Civil Code Art. 202)
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 1, 10), None, None),
])
def test_expiry_counts_months_as_the_civil_code_does(acknowledged, months, expected):
    assert expires_on(acknowledged, months) == expected


@pytest.mark.parametrize("today,state", [
    (date(2025, 10, 11), Validity.VALID),
    (date(2025, 10, 12), Validity.EXPIRING),  # 90 days before
    (date(2026, 1, 9), Validity.EXPIRING),
    (date(2026, 1, 10), Validity.EXPIRED),  # the expiry day itself no longer counts
])
def test_validity_around_the_window_and_the_expiry_day(today, state):
    assert validity(date(2026, 1, 10), today) is state


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 400), st.integers(0, 200))
def test_validity_never_improves_as_days_pass(expiry, offset, later):
    order = [Validity.VALID, Validity.EXPIRING, Validity.EXPIRED]
    today = expiry - timedelta(days=offset)
    assert order.index(validity(expiry, today)) <= order.index(validity(expiry, today + timedelta(days=later)))


@given(st.integers(-5, 60))
def test_a_reminder_is_due_only_in_the_thirty_days_before_expiry(days_left):
    expiry = date(2026, 1, 10)
    assert reminder_due(expiry, expiry - timedelta(days=days_left)) == (0 < days_left <= 30)


def test_a_receipt_applies_while_every_later_version_is_minor():
    minor = LaterVersion(2, ChangeKind.MINOR.value, "typo", date(2025, 2, 1))
    material = LaterVersion(3, ChangeKind.MATERIAL.value, "new rule", date(2025, 3, 1))
    assert standing([minor], date(2025, 1, 10), 12, date(2025, 4, 1)).still_applies
    stands = standing([minor, material], date(2025, 1, 10), 12, date(2026, 1, 10))
    assert not stands.still_applies and stands.validity is Validity.EXPIRED
    assert standing([], date(2025, 1, 10), None, date(2030, 1, 1)).validity is None


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.dates(date(2000, 1, 1), date(2090, 12, 31)),
       st.integers(1, 60))
def test_the_first_day_given_is_where_expiry_reaches_the_day_asked(acknowledged, expiring_from, months):
    """The renewal list reads each course in the order acknowledgements were given: an acknowledgement
    expires on ``expiring_from`` or later exactly when it was given on that first day or later."""
    first = first_acknowledged_on(expiring_from, months)
    assert (expires_on(acknowledged, months) >= expiring_from) == (acknowledged >= first)


@pytest.mark.parametrize(("expiring_from", "months", "first"), [
    (date(2026, 2, 28), 1, date(2026, 1, 28)),  # 28, 29, 30 and 31 January all expire on 28 February
    (date(2026, 3, 1), 1, date(2026, 2, 1)),
    (date(2026, 3, 30), 1, date(2026, 3, 1)),  # no day of 2026 expires on 29–31 March: 28 February gives the 28th
    (date(2025, 2, 28), 12, date(2024, 2, 28)),  # 29 February 2024 expires on 28 February 2025 too
    (date(2025, 3, 1), 12, date(2024, 3, 1)),
])
def test_the_first_day_given_around_a_month_s_end(expiring_from, months, first):
    assert first_acknowledged_on(expiring_from, months) == first
