"""The case behind the portal, end to end: worker Li, six months of service, injured at work.

Li joined Company A on 2025-09-01 and was injured on 2026-03-02. His six months of wages average
5,050 yuan, so that is his own wage (Regulations Art. 64, months actually worked). He had a six-month
paid suspension period on his original pay from the employer (Art. 33), was assessed at grade 9,
original pay stopped and the fund paid the one-time disability subsidy of 9 months of own wage
(Art. 37). His personal share of about 800 yuan a month was withheld for March only; he refused the
rest, and it was deducted from the subsidy in three instalments, leaving nothing owed (多退少补).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.cases.rules import (
    DEMO_POLICY,
    Applicant,
    CaseFacts,
    Code,
    EntryKind,
    ItemStatus,
    LedgerEntry,
    Payer,
    StatusCode,
    case_status_sentence,
    case_timeline,
    contributions,
    deduction_entries,
    deduction_plan,
    one_time_disability_subsidy,
    original_pay_stop_date,
    own_wage,
    personal_account,
    policy_in_force,
    pre_injury_average_wage,
    suspension_end,
    suspension_wage,
    suspension_wage_total,
    validate_case_facts,
)

INJURY = date(2026, 3, 2)
WAGES = [(2025, 9, Decimal(4800)), (2025, 10, Decimal(5000)), (2025, 11, Decimal(5200)),
         (2025, 12, Decimal(5000)), (2026, 1, Decimal(5100)), (2026, 2, Decimal(5200))]
SUSPENSION_MONTHS = [(2026, m) for m in range(3, 9)]  # March to August 2026


def test_li_end_to_end():
    policy = policy_in_force([DEMO_POLICY], INJURY)

    # Own wage: six months of service, averaged over the months worked and within 60%–300%.
    wage = own_wage(WAGES, INJURY, policy)
    assert wage.amount == Decimal("5050.00") and wage.months_counted == 6 and wage.clamp is None

    # Paid suspension period: six months of original pay from the employer (Art. 33 ¶1).
    end = suspension_end(INJURY, 6)
    assert end == date(2026, 9, 2)
    original = pre_injury_average_wage(WAGES, INJURY)
    assert suspension_wage(original).payer is Payer.EMPLOYER
    assert suspension_wage_total(original, 6).amount == Decimal("30300.00")

    # The case as HR records it, and its validation.
    facts = CaseFacts(
        accident_date=INJURY, reported_date=INJURY,
        recognition_applied_date=date(2026, 3, 16), recognition_applicant=Applicant.EMPLOYER,
        recognition_accepted_date=date(2026, 3, 23), recognition_decided_date=date(2026, 4, 27), recognized=True,
        decision_served_date=date(2026, 5, 6),
        suspension_start=INJURY, suspension_planned_end=end,
        assessment_applied_date=date(2026, 8, 10), assessment_concluded_date=date(2026, 9, 1), grade=9,
        original_monthly_wage=original,
    )
    today = date(2026, 9, 10)
    assert validate_case_facts(facts, today, policy=policy) == {}

    # The assessment ends original pay the next day (Art. 33 ¶2), before the period would have.
    stop = original_pay_stop_date(INJURY, end, facts.assessment_concluded_date, rule=policy.pay_stop_rule)
    assert stop == date(2026, 9, 2)

    # The fund pays 9 months of own wage (Art. 37).
    subsidy = one_time_disability_subsidy(facts.grade, wage)
    assert subsidy.amount == Decimal("45450.00") and subsidy.payer is Payer.FUND
    assert subsidy.article_zh == "《工伤保险条例》第三十七条"
    assert subsidy.formula == "Grade 9: 9 months × own wage 5,050.00 = 45,450.00"

    # His personal share during the suspension period: about 800 yuan a month, still his (SIL Art. 60).
    month = contributions(original, policy)
    share = month.personal_with_housing_fund
    assert share == Decimal("782.75") and Decimal(750) <= share <= Decimal(850)
    assert month.employer.payer is Payer.EMPLOYER and month.personal.payer is Payer.EMPLOYEE

    entries = [LedgerEntry(EntryKind.OWED, share, date(y, m, 28), period=(y, m)) for y, m in SUSPENSION_MONTHS]
    entries.append(LedgerEntry(EntryKind.WITHHELD, share, date(2026, 3, 31), period=(2026, 3)))
    owed = personal_account(entries)
    assert owed.owed == Decimal("4696.50") and owed.balance == Decimal("3913.75")

    # Deducted from the fund-paid subsidy in the policy's three instalments.
    plan = deduction_plan(owed.balance, subsidy.amount, policy.deduction_instalments)
    assert plan.instalments == (Decimal("1304.58"), Decimal("1304.58"), Decimal("1304.59"))
    assert plan.to_collect == 0 and plan.to_refund == 0
    entries += deduction_entries(plan, [date(2026, 10, 15), date(2026, 11, 15), date(2026, 12, 15)], subsidy.code)
    settled = personal_account(entries)
    assert settled.balance == 0 and settled.settled
    assert settled.deducted == Decimal("3913.75")

    # What Li and HR see on 2026-09-10.
    sentence = case_status_sentence(facts, policy, today)
    assert (sentence.code, sentence.params) == (StatusCode.SUBSIDY_EXPECTED, {
        "grade": "9", "concluded": "2026-09-01", "subsidy_months": "9", "pay_stops_from": "2026-09-02",
        "pay_stop_cause": "assessed", "period_end": "2026-09-02"})
    items = case_timeline(facts, policy, today)
    assert not [i for i in items if i.status is ItemStatus.OVERDUE]
    assert not [i for i in items if i.late]
    found = {i.code: i for i in items}
    assert found[Code.ORIGINAL_PAY_STOPS].date == stop
    assert found[Code.REASSESSMENT_REQUEST_DEADLINE].status is ItemStatus.DUE  # until 2026-09-16
    assert found[Code.REVIEW_ASSESSMENT_POSSIBLE].date == date(2027, 9, 2)
    assert all(i.article_zh.startswith("《") and i.article_en for i in items)


def test_second_variant_four_months_of_service_nine_months_paid():
    """The article's second worker: four months of service, paid for nine months before the assessment."""
    injury = date(2026, 5, 11)
    wages = [(2026, 1, Decimal(6000)), (2026, 2, Decimal(6100)), (2026, 3, Decimal(6200)), (2026, 4, Decimal(6300))]
    wage = own_wage(wages, injury, DEMO_POLICY)
    assert wage.amount == Decimal("6150.00") and wage.divisor == 4
    end = suspension_end(injury, 9)
    assert end == date(2027, 2, 11)
    assert original_pay_stop_date(injury, end, date(2027, 2, 20)) == date(2027, 2, 12)
    assert suspension_wage_total(pre_injury_average_wage(wages, injury), 9).amount == Decimal("55350.00")
