"""Reminder rules: who is reminded when, escalation, and nothing sent twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.workbench.reminders import PendingItem, reminders_due

DUE = date(2026, 11, 20)
ITEM = PendingItem("course", 5, recipient_id=7, manager_id=3, due=DUE)


@pytest.mark.parametrize("today,recipients", [
    (DUE, []),
    (DUE + timedelta(days=1), [(7, False)]),
    (DUE + timedelta(days=3), [(7, False)]),
    (DUE + timedelta(days=4), [(7, False), (3, True)]),
])
def test_reminder_then_escalation(today, recipients):
    assert [(r.recipient_id, r.escalation) for r in reminders_due([ITEM], set(), today)] == recipients


def test_done_items_and_items_without_manager():
    assert reminders_due([PendingItem("notice", 1, 7, 3, DUE, done=True)], set(), DUE + timedelta(days=9)) == []
    lonely = PendingItem("approval", 2, 3, 3, DUE)  # the manager is the one who must act
    assert [r.escalation for r in reminders_due([lonely], set(), DUE + timedelta(days=9))] == [False]


def test_running_twice_sends_nothing_twice():
    today = DUE + timedelta(days=5)
    first = reminders_due([ITEM], set(), today)
    assert len(first) == 2
    assert reminders_due([ITEM], {r.key for r in first}, today) == []
    assert reminders_due([ITEM], {r.key for r in first}, today + timedelta(days=10)) == []


def test_a_new_due_date_is_a_new_reminder():
    sent = {r.key for r in reminders_due([ITEM], set(), DUE + timedelta(days=1))}
    moved = PendingItem("course", 5, 7, 3, DUE + timedelta(days=7))
    assert len(reminders_due([moved], sent, DUE + timedelta(days=8))) == 1


def test_escalation_days_must_be_positive():
    with pytest.raises(ValueError):
        reminders_due([ITEM], set(), DUE, escalate_after_days=0)


@given(st.lists(st.integers(0, 40), min_size=1, max_size=10))
def test_keys_are_unique_and_sending_is_idempotent(days):
    sent: set[str] = set()
    for offset in sorted(days):
        batch = reminders_due([ITEM], sent, DUE + timedelta(days=offset))
        keys = [r.key for r in batch]
        assert len(set(keys)) == len(keys) and not set(keys) & sent
        sent |= set(keys)
    assert len(sent) <= 2


def test_a_heads_up_before_the_due_date_once_per_due_date():
    item = PendingItem("course", 5, 7, 3, date(2026, 11, 20))
    assert reminders_due([item], set(), date(2026, 11, 17), due_soon_days=2) == []
    (soon,) = reminders_due([item], set(), date(2026, 11, 18), due_soon_days=2)
    assert soon.level == "due_soon" and soon.recipient_id == 7
    assert reminders_due([item], {soon.key}, date(2026, 11, 20), due_soon_days=2) == []
    moved = PendingItem("course", 5, 7, 3, date(2026, 11, 30))  # a new due date is a new heads-up
    assert reminders_due([moved], {soon.key}, date(2026, 11, 29), due_soon_days=2)[0].key != soon.key
    assert reminders_due([PendingItem("course", 5, 7, 3, date(2026, 11, 20), done=True)], set(),
                         date(2026, 11, 19), due_soon_days=2) == []
