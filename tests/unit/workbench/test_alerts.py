"""Risk alert rules at their boundaries, without Flask or a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.cases.rules import DEMO_POLICY, CaseFacts
from portal.workbench.alerts import (
    AlertCode,
    CaseSnapshot,
    PendingAcknowledgement,
    Severity,
    acknowledgement_alerts,
    case_alerts,
)

ACCIDENT = date(2026, 3, 2)  # filing due 30 days later: 2026-04-01


def codes(case: CaseSnapshot, today: date) -> list[AlertCode]:
    return [a.code for a in case_alerts(case, DEMO_POLICY, today)]


def snapshot(**facts) -> CaseSnapshot:
    return CaseSnapshot(case_id=1, employee_id=7, facts=CaseFacts(accident_date=ACCIDENT, **facts))


@pytest.mark.parametrize("today,expected", [
    (date(2026, 3, 24), []),
    (date(2026, 3, 25), [AlertCode.FILING_DUE]),  # 7 days before 2026-04-01
    (date(2026, 4, 1), [AlertCode.FILING_DUE]),
    (date(2026, 4, 2), [AlertCode.FILING_MISSED]),
])
def test_recognition_filing(today, expected):
    assert codes(snapshot(), today) == expected


def test_filing_alerts_stop_once_applied():
    assert codes(snapshot(recognition_applied_date=date(2026, 3, 20)), date(2026, 5, 1)) == []


def test_missed_filing_is_critical_and_cites_article_17():
    (alert,) = case_alerts(snapshot(), DEMO_POLICY, date(2026, 4, 2))
    assert alert.severity is Severity.CRITICAL and "第十七条" in alert.article_zh and alert.due == date(2026, 4, 1)


def test_recognition_decision_overdue_after_60_days():
    case = snapshot(recognition_applied_date=date(2026, 3, 3), recognition_accepted_date=date(2026, 3, 3))
    assert codes(case, date(2026, 5, 2)) == []  # due 2026-05-02
    assert codes(case, date(2026, 5, 3)) == [AlertCode.RECOGNITION_DECISION_OVERDUE]


def test_assessment_overdue_after_60_days_or_90_when_extended():
    base = dict(recognition_applied_date=date(2026, 3, 3), recognition_accepted_date=date(2026, 3, 3),
                recognition_decided_date=date(2026, 3, 20), recognized=True,
                assessment_applied_date=date(2026, 9, 1))
    assert codes(snapshot(**base), date(2026, 10, 31)) == []
    assert codes(snapshot(**base), date(2026, 11, 1)) == [AlertCode.ASSESSMENT_OVERDUE]
    assert codes(snapshot(**base, assessment_extended=True), date(2026, 11, 1)) == []


DECIDED = dict(recognition_applied_date=date(2026, 3, 3), recognition_accepted_date=date(2026, 3, 3),
               recognition_decided_date=date(2026, 3, 20), recognized=True, suspension_start=date(2026, 3, 2))


@pytest.mark.parametrize("today,expected", [
    (date(2027, 1, 30), []),
    (date(2027, 1, 31), [AlertCode.SUSPENSION_NEAR_LIMIT]),  # 30 days before 2027-03-02
    (date(2028, 3, 2), [AlertCode.SUSPENSION_NEAR_LIMIT]),
    (date(2028, 3, 3), [AlertCode.SUSPENSION_PAST_MAXIMUM]),
])
def test_suspension_limits(today, expected):
    assert codes(snapshot(**DECIDED), today) == expected


def test_an_extension_silences_the_12_month_warning_but_not_the_24_month_limit():
    extended = snapshot(**DECIDED, suspension_extended_end=date(2027, 9, 2))
    assert codes(extended, date(2027, 2, 20)) == []
    assert codes(extended, date(2028, 3, 3)) == [AlertCode.SUSPENSION_PAST_MAXIMUM]


def test_pay_not_stopped_from_the_stop_date_until_confirmed():
    case = replace(snapshot(**DECIDED, assessment_applied_date=date(2026, 8, 1),
                            assessment_concluded_date=date(2026, 9, 1), grade=9), pay_stop_date=date(2026, 9, 2))
    assert codes(case, date(2026, 9, 1)) == []
    assert codes(case, date(2026, 9, 2)) == [AlertCode.PAY_NOT_STOPPED]
    assert codes(replace(case, pay_stop_confirmed=True), date(2026, 9, 2)) == []


@pytest.mark.parametrize("balance,alerted", [(Decimal("2000.00"), False), (Decimal("2000.01"), True)])
def test_personal_balance_threshold(balance, alerted):
    case = replace(snapshot(**DECIDED), personal_balance=balance)
    assert (AlertCode.BALANCE_OWED in codes(case, date(2026, 6, 1))) is alerted


def test_closed_cases_raise_no_deadline_alerts():
    assert codes(snapshot(left_date=date(2026, 3, 10)), date(2026, 6, 1)) == []


@pytest.mark.parametrize("due_offset,acknowledged,alerted", [(0, False, False), (-1, False, True), (-1, True, False)])
def test_acknowledgement_overdue(due_offset, acknowledged, alerted):
    today = date(2026, 11, 25)
    item = PendingAcknowledgement("course", 5, 7, today + timedelta(days=due_offset), acknowledged)
    alerts = acknowledgement_alerts([item], today)
    assert bool(alerts) is alerted
    if alerts:
        assert alerts[0].owner_role == "manager" and alerts[0].subject_kind == "assignment"


@given(st.dates(date(2026, 3, 2), date(2029, 1, 1)), st.dates(date(2026, 3, 2), date(2029, 1, 1)))
def test_keys_are_stable_and_unique_per_scan(first, second):
    case = snapshot(**DECIDED)
    one, two = case_alerts(case, DEMO_POLICY, first), case_alerts(case, DEMO_POLICY, first)
    assert [a.key for a in one] == [a.key for a in two]
    assert len({a.key for a in one}) == len(one)
    assert all(a.due is None or a.severity in Severity for a in case_alerts(case, DEMO_POLICY, second))
