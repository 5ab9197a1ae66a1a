"""Case facts, their validation, the timeline and the status sentence, without Flask."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from portal.cases.rules import (
    DEMO_POLICY,
    Actor,
    Applicant,
    CareLevel,
    CaseFacts,
    CaseFactsError,
    Code,
    ItemKind,
    ItemStatus,
    PayStopRule,
    StatusCode,
    SuspensionPeriod,
    case_status_sentence,
    case_timeline,
    deadline_status,
    validate_case_facts,
)

TODAY = date(2026, 11, 25)
ACCIDENT = date(2026, 3, 2)
BASE = CaseFacts(accident_date=ACCIDENT)
RECOGNIZED = dataclasses.replace(
    BASE, reported_date=ACCIDENT, recognition_applied_date=date(2026, 3, 20), recognition_applicant=Applicant.EMPLOYER,
    recognition_accepted_date=date(2026, 3, 27), recognition_decided_date=date(2026, 4, 30), recognized=True,
    decision_served_date=date(2026, 5, 8),
)
IN_SUSPENSION = dataclasses.replace(RECOGNIZED, suspension_start=ACCIDENT, suspension_planned_end=date(2026, 9, 2))
ASSESSED = dataclasses.replace(
    IN_SUSPENSION, assessment_applied_date=date(2026, 8, 10), assessment_concluded_date=date(2026, 9, 1), grade=9,
    original_monthly_wage=Decimal("5050.00"),
)


def facts(**changes) -> CaseFacts:
    return dataclasses.replace(BASE, **changes)


@pytest.mark.parametrize("case,errors", [
    (ASSESSED, {}),
    (facts(accident_date=date(2026, 11, 26)), {"accident_date": "future"}),
    (facts(reported_date=date(2026, 12, 1)), {"reported_date": "future"}),
    (facts(suspension_start=ACCIDENT, suspension_planned_end=date(2026, 3, 1)), {"suspension_planned_end": "before_start"}),
    (facts(suspension_start=ACCIDENT, suspension_planned_end=date(2027, 3, 2)), {}),
    (facts(suspension_start=ACCIDENT, suspension_planned_end=date(2027, 3, 3)), {"suspension_planned_end": "over_12_months"}),
    (facts(suspension_start=ACCIDENT, suspension_planned_end=date(2027, 3, 2), suspension_extended_end=date(2028, 3, 2)),
     {}),
    (facts(suspension_start=ACCIDENT, suspension_planned_end=date(2027, 3, 2), suspension_extended_end=date(2028, 3, 3)),
     {"suspension_extended_end": "over_24_months"}),
    (facts(suspension_start=ACCIDENT, suspension_planned_end=date(2026, 9, 2), suspension_extended_end=date(2026, 9, 1)),
     {"suspension_extended_end": "before_planned_end"}),
    (facts(suspension_start=ACCIDENT, suspension_extended_end=date(2027, 9, 1)),
     {"suspension_planned_end": "required_with_extension"}),
    (facts(suspension_planned_end=date(2026, 9, 2)), {"suspension_start": "required"}),
    (facts(suspension_start=date(2026, 3, 1), suspension_planned_end=date(2026, 9, 1)),
     {"suspension_start": "before_accident"}),
    (facts(assessment_applied_date=date(2026, 3, 1)), {"assessment_applied_date": "before_accident"}),
    (facts(assessment_applied_date=date(2026, 8, 10), assessment_concluded_date=date(2026, 8, 9), grade=9),
     {"assessment_concluded_date": "before_application"}),
    (facts(assessment_applied_date=date(2026, 8, 10), grade=9), {"assessment_concluded_date": "required_with_grade"}),
    (facts(assessment_concluded_date=date(2026, 9, 1)), {"assessment_applied_date": "required"}),
    (facts(recognition_applied_date=date(2026, 3, 20), recognition_applicant=Applicant.WORKER,
           recognition_decided_date=date(2026, 3, 19), recognized=True),
     {"recognition_decided_date": "before_application"}),
    (facts(recognition_applied_date=date(2026, 3, 20), recognition_applicant=Applicant.WORKER,
           recognition_accepted_date=date(2026, 3, 19)), {"recognition_accepted_date": "before_application"}),
    (facts(recognition_applied_date=date(2026, 3, 20), recognition_applicant=Applicant.WORKER,
           recognition_accepted_date=date(2026, 3, 27), recognition_decided_date=date(2026, 3, 26), recognized=True),
     {"recognition_decided_date": "before_acceptance"}),
    (facts(recognition_applied_date=date(2026, 3, 20)), {"recognition_applicant": "required_when_applied"}),
    (facts(recognition_accepted_date=date(2026, 3, 27)), {"recognition_applied_date": "required"}),
    (dataclasses.replace(RECOGNIZED, recognized=None), {"recognized": "required_when_decided"}),
    (facts(recognized=False), {"recognition_decided_date": "required_with_outcome"}),
    (dataclasses.replace(RECOGNIZED, decision_served_date=date(2026, 4, 29)), {"decision_served_date": "before_decision"}),
    (dataclasses.replace(ASSESSED, grade=0), {"grade": "out_of_range"}),
    (dataclasses.replace(ASSESSED, grade=11), {"grade": "out_of_range"}),
    (dataclasses.replace(ASSESSED, grade=True), {"grade": "out_of_range"}),
    (dataclasses.replace(ASSESSED, reassessment_applied_date=date(2026, 9, 10),
                         reassessment_concluded_date=date(2026, 10, 20), reassessment_grade=12),
     {"reassessment_grade": "out_of_range"}),
    (dataclasses.replace(ASSESSED, reassessment_applied_date=date(2026, 8, 31)),
     {"reassessment_applied_date": "before_conclusion"}),
    (dataclasses.replace(ASSESSED, assessment_received_date=date(2026, 8, 31)),
     {"assessment_received_date": "before_conclusion"}),
    (facts(original_monthly_wage=Decimal("-0.01")), {"original_monthly_wage": "negative"}),
    (facts(original_monthly_wage=5050.0), {"original_monthly_wage": "invalid"}),
    (facts(death_date=date(2026, 3, 1)), {"death_date": "before_accident"}),
    (facts(left_date=date(2026, 3, 1)), {}),  # an occupational disease may be diagnosed after leaving
    (facts(filing_extension_days=-1), {"filing_extension_days": "negative"}),
    (facts(filing_suspensions=((date(2026, 5, 1), date(2026, 4, 1)),)), {"filing_suspensions": "end_before_start"}),
    (facts(recurrences=(SuspensionPeriod(date(2026, 10, 1), date(2026, 9, 30)),)),
     {"recurrences[0].planned_end": "before_start"}),
    (facts(recurrences=(SuspensionPeriod(date(2026, 12, 1)),)), {"recurrences[0].start": "future"}),
])
def test_validate_case_facts(case, errors):
    assert validate_case_facts(case, TODAY) == errors


def test_validation_of_the_extension_needs_the_policy():
    case = facts(filing_extension_days=31)
    assert validate_case_facts(case, TODAY) == {}
    assert validate_case_facts(case, TODAY, policy=DEMO_POLICY) == {"filing_extension_days": "over_cap"}


def test_timeline_refuses_invalid_facts():
    with pytest.raises(CaseFactsError) as caught:
        case_timeline(facts(accident_date=date(2027, 1, 1)), DEMO_POLICY, TODAY)
    assert caught.value.errors == {"accident_date": "future"}
    with pytest.raises(ValueError, match="accident_date: future"):
        case_status_sentence(facts(accident_date=date(2027, 1, 1)), DEMO_POLICY, TODAY)


@pytest.mark.parametrize("deadline,done,today,status", [
    (date(2026, 4, 1), date(2026, 3, 20), date(2026, 5, 1), ItemStatus.DONE),
    (date(2026, 4, 1), None, date(2026, 4, 2), ItemStatus.OVERDUE),
    (date(2026, 4, 1), None, date(2026, 4, 1), ItemStatus.DUE),  # ends at 24:00
    (date(2026, 4, 1), None, date(2026, 3, 25), ItemStatus.DUE),
    (date(2026, 4, 1), None, date(2026, 3, 24), ItemStatus.UPCOMING),
])
def test_deadline_status(deadline, done, today, status):
    assert deadline_status(deadline, done, today) is status


def by_code(items):
    return {item.code: item for item in items}


@pytest.mark.parametrize("today,status,sentence", [
    (date(2026, 3, 5), ItemStatus.UPCOMING, StatusCode.RECOGNITION_DUE),
    (date(2026, 3, 25), ItemStatus.DUE, StatusCode.RECOGNITION_DUE),
    (date(2026, 4, 1), ItemStatus.DUE, StatusCode.RECOGNITION_DUE),
    (date(2026, 4, 2), ItemStatus.OVERDUE, StatusCode.RECOGNITION_OVERDUE),
])
def test_fresh_case_shows_the_filing_deadlines(today, status, sentence):
    items = by_code(case_timeline(BASE, DEMO_POLICY, today))
    assert set(items) == {Code.ACCIDENT, Code.EMPLOYER_FILING_DEADLINE, Code.WORKER_FILING_DEADLINE}
    employer = items[Code.EMPLOYER_FILING_DEADLINE]
    assert (employer.date, employer.status, employer.kind) == (date(2026, 4, 1), status, ItemKind.DEADLINE)
    assert ("Art. 17 ¶4" in employer.article_en) is (status is ItemStatus.OVERDUE)  # the employer bears the costs
    worker = items[Code.WORKER_FILING_DEADLINE]
    assert (worker.date, worker.status, worker.optional) == (date(2027, 3, 2), ItemStatus.UPCOMING, True)
    assert case_status_sentence(BASE, DEMO_POLICY, today).code is sentence


def test_overdue_status_gives_the_workers_window():
    sentence = case_status_sentence(BASE, DEMO_POLICY, date(2026, 5, 1))
    assert sentence.params == {"due": "2026-04-01", "worker_due": "2027-03-02"}


def test_worker_filing_after_the_employer_missed_the_deadline():
    case = facts(recognition_applied_date=date(2026, 5, 4), recognition_applicant=Applicant.WORKER,
                 filing_suspensions=((date(2026, 4, 1), date(2026, 4, 30)),))
    items = by_code(case_timeline(case, DEMO_POLICY, date(2026, 5, 6)))
    employer = items[Code.EMPLOYER_FILING_DEADLINE]  # missed: the employer never filed
    assert employer.status is ItemStatus.OVERDUE and employer.actor is Actor.EMPLOYER
    assert "Art. 17 ¶4" in employer.article_en
    assert Code.WORKER_FILING_DEADLINE not in items  # met: shown once, as the worker's application
    applied = items[Code.RECOGNITION_APPLIED]
    assert (applied.due_date, applied.actor, applied.late) == (date(2027, 4, 1), Actor.WORKER, False)
    assert "SPC Provisions on Work-Injury Insurance Administrative Cases Art. 7" in applied.article_en
    assert "Work Injury Insurance Regulations Art. 17 ¶2" in applied.article_en
    assert items[Code.ACCEPTANCE_DEADLINE].date == date(2026, 5, 19)
    sentence = case_status_sentence(case, DEMO_POLICY, date(2026, 5, 6))
    assert (sentence.code, sentence.params) == (StatusCode.RECOGNITION_APPLIED,
                                                {"applied": "2026-05-04", "acceptance_by": "2026-05-19"})


def test_recognition_chain():
    items = case_timeline(RECOGNIZED, DEMO_POLICY, TODAY)
    codes = [item.code for item in items]
    # Every deadline met appears once, as the act that met it, with the deadline beside it.
    assert codes == [Code.ACCIDENT, Code.REPORTED, Code.RECOGNITION_APPLIED, Code.RECOGNITION_ACCEPTED,
                     Code.RECOGNITION_DECIDED, Code.DECISION_SERVED, Code.WORKER_FILING_DEADLINE]
    assert len(codes) == len(set(codes))
    assert [item.date for item in items] == sorted(item.date for item in items)
    found = by_code(items)
    assert found.pop(Code.WORKER_FILING_DEADLINE).status is ItemStatus.NOT_APPLICABLE  # the employer filed
    assert all(item.status is ItemStatus.DONE and not item.late for item in found.values())
    assert found[Code.RECOGNITION_APPLIED].due_date == date(2026, 4, 1)
    assert found[Code.RECOGNITION_DECIDED].due_date == date(2026, 5, 26)
    assert found[Code.RECOGNITION_DECIDED].article_en == "Work Injury Insurance Regulations Art. 20"
    assert found[Code.DECISION_SERVED].due_date == date(2026, 5, 20)
    assert found[Code.RECOGNITION_DECIDED].params == {"recognized": "yes"}
    assert all(item.article_zh and item.article_en for item in items)
    assert case_status_sentence(RECOGNIZED, DEMO_POLICY, TODAY).code is StatusCode.RECOGNIZED


def test_pending_recognition_with_a_paused_clock():
    case = dataclasses.replace(RECOGNIZED, recognition_decided_date=None, recognized=None, decision_served_date=None,
                               recognition_pauses=((date(2026, 4, 10), date(2026, 4, 19)),))
    items = by_code(case_timeline(case, DEMO_POLICY, date(2026, 5, 1)))
    decision = items[Code.RECOGNITION_DECISION_DEADLINE]
    assert decision.date == date(2026, 6, 5) and decision.status is ItemStatus.WAITING
    assert decision.actor is Actor.DEPARTMENT
    assert "Art. 20 ¶3" in decision.article_en
    sentence = case_status_sentence(case, DEMO_POLICY, date(2026, 5, 1))
    assert (sentence.code, sentence.params) == (StatusCode.RECOGNITION_PENDING,
                                                {"accepted": "2026-03-27", "expected_by": "2026-06-05"})


def test_refused_recognition():
    case = dataclasses.replace(RECOGNIZED, recognized=False)
    assert by_code(case_timeline(case, DEMO_POLICY, TODAY))[Code.RECOGNITION_DECIDED].params == {"recognized": "no"}
    sentence = case_status_sentence(case, DEMO_POLICY, TODAY)
    assert (sentence.code, sentence.params) == (StatusCode.RECOGNITION_REFUSED, {"decided": "2026-04-30"})


@pytest.mark.parametrize("today,sentence,params", [
    (date(2026, 6, 1), StatusCode.SUSPENSION_PAID_UNTIL, {"start": "2026-03-02", "until": "2026-09-02"}),
    (date(2026, 9, 2), StatusCode.SUSPENSION_PAID_UNTIL, {"start": "2026-03-02", "until": "2026-09-02"}),
    (date(2026, 9, 3), StatusCode.SUSPENSION_ENDED, {"ended": "2026-09-02"}),
])
def test_suspension_status(today, sentence, params):
    result = case_status_sentence(IN_SUSPENSION, DEMO_POLICY, today)
    assert (result.code, result.params) == (sentence, params)


def test_suspension_items():
    items = by_code(case_timeline(IN_SUSPENSION, DEMO_POLICY, date(2026, 6, 1)))
    ends = items[Code.SUSPENSION_ENDS]
    assert (ends.date, ends.kind, ends.status) == (date(2026, 9, 2), ItemKind.EXPECTED, ItemStatus.UPCOMING)
    assert ends.article_en == "Work Injury Insurance Regulations Art. 33 ¶2"
    assert ends.params == {"confirmed": "yes", "extended": "no", "ended_by": "period"}
    stops = items[Code.ORIGINAL_PAY_STOPS]
    assert stops.date == date(2026, 9, 3) and stops.status is ItemStatus.UPCOMING
    assert stops.params == {"confirmed": "no", "cause": "period_ended", "period_end": "2026-09-02"}
    waiting = by_code(case_timeline(IN_SUSPENSION, DEMO_POLICY, date(2026, 9, 5)))[Code.ORIGINAL_PAY_STOPS]
    assert (waiting.status, waiting.actor) == (ItemStatus.WAITING, Actor.COMMITTEE)  # no assessment yet
    assert items[Code.SUSPENSION_STARTED].article_en == "Work Injury Insurance Regulations Art. 33 ¶1"


def test_unconfirmed_suspension_shows_the_12_month_maximum():
    case = dataclasses.replace(RECOGNIZED, suspension_start=ACCIDENT)
    ends = by_code(case_timeline(case, DEMO_POLICY, date(2026, 6, 1)))[Code.SUSPENSION_ENDS]
    assert ends.date == date(2027, 3, 2) and ends.params["confirmed"] == "no"


def test_extended_suspension():
    case = dataclasses.replace(IN_SUSPENSION, suspension_planned_end=date(2027, 3, 2),
                               suspension_extended_end=date(2027, 9, 2))
    items = by_code(case_timeline(case, DEMO_POLICY, date(2027, 4, 1)))
    assert items[Code.SUSPENSION_ENDS].date == date(2027, 9, 2) and items[Code.SUSPENSION_ENDS].params["extended"] == "yes"
    assert case_status_sentence(case, DEMO_POLICY, date(2027, 4, 1)).params["until"] == "2027-09-02"


def test_return_to_work_ends_the_suspension_early():
    case = dataclasses.replace(IN_SUSPENSION, returned_to_work_date=date(2026, 6, 1))
    items = by_code(case_timeline(case, DEMO_POLICY, date(2026, 7, 1)))
    assert items[Code.SUSPENSION_ENDS].date == date(2026, 5, 31)
    assert items[Code.SUSPENSION_ENDS].params["ended_by"] == "returned_to_work"
    assert Code.ORIGINAL_PAY_STOPS not in items and Code.RETURNED_TO_WORK in items
    sentence = case_status_sentence(case, DEMO_POLICY, date(2026, 7, 1))
    assert (sentence.code, sentence.params) == (StatusCode.RETURNED_TO_WORK, {"date": "2026-06-01"})


def test_assessment_submitted_during_the_suspension():
    case = dataclasses.replace(ASSESSED, assessment_concluded_date=None, grade=None)
    items = by_code(case_timeline(case, DEMO_POLICY, date(2026, 8, 20)))
    deadline = items[Code.ASSESSMENT_CONCLUSION_DEADLINE]
    assert (deadline.date, deadline.status, deadline.actor) == (date(2026, 10, 9), ItemStatus.WAITING,
                                                                 Actor.COMMITTEE)
    assert deadline.article_en == "Work Injury Insurance Regulations Art. 25 ¶2"
    sentence = case_status_sentence(case, DEMO_POLICY, date(2026, 8, 20))
    assert (sentence.code, sentence.params) == (StatusCode.ASSESSMENT_SUBMITTED, {
        "applied": "2026-08-10", "expected_by": "2026-10-09", "paid_until": "2026-09-02"})
    extended = dataclasses.replace(case, assessment_extended=True)
    assert case_status_sentence(extended, DEMO_POLICY, date(2026, 10, 1)).params == {
        "applied": "2026-08-10", "expected_by": "2026-11-08"}


@pytest.mark.parametrize("rule,stop", [(PayStopRule.DAY_AFTER, "2026-09-02"), (PayStopRule.NEXT_MONTH, "2026-10-01")])
def test_assessed_case(rule, stop):
    policy = dataclasses.replace(DEMO_POLICY, pay_stop_rule=rule)
    items = by_code(case_timeline(ASSESSED, policy, date(2026, 9, 10)))
    stops = items[Code.ORIGINAL_PAY_STOPS]
    assert stops.date.isoformat() == stop and stops.params["cause"] == "assessed"
    assert (stops.status, stops.actor) == (ItemStatus.WAITING, Actor.HR)  # until HR confirms
    confirmed = dataclasses.replace(ASSESSED, pay_stop_confirmed=True)
    assert by_code(case_timeline(confirmed, policy, date(2026, 10, 2)))[Code.ORIGINAL_PAY_STOPS].status \
        is ItemStatus.DONE
    assert items[Code.ASSESSMENT_CONCLUDED].params == {"grade": "9"}
    request = items[Code.REASSESSMENT_REQUEST_DEADLINE]
    assert (request.date, request.status, request.optional) == (date(2026, 9, 16), ItemStatus.DUE, True)
    review = items[Code.REVIEW_ASSESSMENT_POSSIBLE]
    assert review.date == date(2027, 9, 2) and review.status is ItemStatus.UPCOMING
    sentence = case_status_sentence(ASSESSED, policy, date(2026, 9, 10))
    assert (sentence.code, sentence.params) == (StatusCode.SUBSIDY_EXPECTED, {
        "grade": "9", "concluded": "2026-09-01", "subsidy_months": "9", "pay_stops_from": stop,
        "pay_stop_cause": "assessed", "period_end": "2026-09-02"})


def test_reassessment():
    submitted = dataclasses.replace(ASSESSED, assessment_received_date=date(2026, 9, 3),
                                    reassessment_applied_date=date(2026, 9, 15))
    items = by_code(case_timeline(submitted, DEMO_POLICY, date(2026, 10, 1)))
    assert items[Code.REASSESSMENT_APPLIED].due_date == date(2026, 9, 18)
    assert Code.REASSESSMENT_REQUEST_DEADLINE not in items
    assert items[Code.REASSESSMENT_CONCLUSION_DEADLINE].date == date(2026, 11, 14)
    assert case_status_sentence(submitted, DEMO_POLICY, date(2026, 10, 1)).code is StatusCode.REASSESSMENT_SUBMITTED
    final = dataclasses.replace(submitted, reassessment_concluded_date=date(2026, 11, 2), reassessment_grade=8)
    items = by_code(case_timeline(final, DEMO_POLICY, TODAY))
    assert items[Code.REASSESSMENT_CONCLUDED].params == {"grade": "8"}
    assert items[Code.REVIEW_ASSESSMENT_POSSIBLE].date == date(2027, 11, 3)
    sentence = case_status_sentence(final, DEMO_POLICY, TODAY)
    assert sentence.params["grade"] == "8" and sentence.params["subsidy_months"] == "11"


def test_reassessment_window_closes_unused():
    request = by_code(case_timeline(ASSESSED, DEMO_POLICY, TODAY))[Code.REASSESSMENT_REQUEST_DEADLINE]
    assert request.status is ItemStatus.OVERDUE and request.optional  # the UI shows "window closed"


def test_assessed_without_a_grade():
    case = dataclasses.replace(ASSESSED, grade=None)
    sentence = case_status_sentence(case, DEMO_POLICY, TODAY)
    assert (sentence.code, sentence.params) == (StatusCode.ASSESSED_WITHOUT_GRADE, {"concluded": "2026-09-01"})
    assert by_code(case_timeline(case, DEMO_POLICY, TODAY))[Code.ASSESSMENT_CONCLUDED].params == {}


def test_care_level_is_shown_with_the_conclusion():
    case = dataclasses.replace(ASSESSED, grade=2, care_level=CareLevel.MOSTLY_UNABLE)
    params = by_code(case_timeline(case, DEMO_POLICY, TODAY))[Code.ASSESSMENT_CONCLUDED].params
    assert params == {"grade": "2", "care_level": "mostly_unable"}


def test_recurrence_starts_a_new_suspension_period():
    case = dataclasses.replace(ASSESSED, returned_to_work_date=date(2026, 9, 3),
                               recurrences=(SuspensionPeriod(date(2026, 11, 2), date(2027, 2, 2)),))
    items = case_timeline(case, DEMO_POLICY, TODAY)
    recurrence = [i for i in items if i.params.get("recurrence") == "1"]
    assert [i.code for i in recurrence] == [Code.SUSPENSION_STARTED, Code.SUSPENSION_ENDS, Code.ORIGINAL_PAY_STOPS]
    assert "Art. 38" in recurrence[0].article_en
    assert recurrence[1].date == date(2027, 2, 2) and recurrence[2].date == date(2027, 2, 3)
    # the grade is assessed: the status stays on the subsidy, with the recurrence's pay-stop date
    assert case_status_sentence(case, DEMO_POLICY, TODAY).params["pay_stops_from"] == "2027-02-03"


@pytest.mark.parametrize("changes,code,params", [
    ({"death_date": date(2026, 10, 1)}, StatusCode.DECEASED, {"date": "2026-10-01"}),
    ({"left_date": date(2026, 10, 1)}, StatusCode.LEFT, {"date": "2026-10-01"}),
])
def test_death_and_leaving(changes, code, params):
    case = dataclasses.replace(ASSESSED, **changes)
    sentence = case_status_sentence(case, DEMO_POLICY, TODAY)
    assert (sentence.code, sentence.params) == (code, params)
    items = by_code(case_timeline(case, DEMO_POLICY, TODAY))
    if code is StatusCode.DECEASED:
        assert items[Code.DEATH].article_en == "Work Injury Insurance Regulations Art. 39"
        assert Code.REVIEW_ASSESSMENT_POSSIBLE not in items
    else:
        assert items[Code.LEFT].article_en == "Work Injury Insurance Regulations Arts. 36–37"


def test_holidays_move_timeline_deadlines():
    holidays = frozenset(date(2026, 4, d) for d in range(1, 6))
    items = by_code(case_timeline(BASE, DEMO_POLICY, date(2026, 3, 5), holidays))
    assert items[Code.EMPLOYER_FILING_DEADLINE].date == date(2026, 4, 6)


def test_approved_extension_moves_the_employer_deadline():
    case = facts(filing_extension_days=20)
    item = by_code(case_timeline(case, DEMO_POLICY, date(2026, 4, 5)))[Code.EMPLOYER_FILING_DEADLINE]
    assert item.date == date(2026, 4, 21) and item.params == {"extension_days": "20"}
    with pytest.raises(CaseFactsError, match="over_cap"):
        case_timeline(facts(filing_extension_days=31), DEMO_POLICY, date(2026, 4, 5))


def test_case_facts_accept_form_values():
    case = facts(recognition_applied_date=date(2026, 3, 20), recognition_applicant="worker",  # type: ignore[arg-type]
                 filing_suspensions=[[date(2026, 4, 1), date(2026, 4, 30)]])  # type: ignore[arg-type]
    assert case.recognition_applicant is Applicant.WORKER
    assert case.filing_suspensions == ((date(2026, 4, 1), date(2026, 4, 30)),)
    with pytest.raises(ValueError):
        facts(care_level="unknown")  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.grade = 9  # type: ignore[misc]
