"""Properties of the rules engine that must hold for every input, checked with hypothesis."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from portal.cases.rules import (
    DEMO_POLICY,
    CareLevel,
    Dependant,
    EntryKind,
    LedgerEntry,
    Relation,
    add_months,
    care_fee,
    contributions,
    death_benefits,
    deduction_plan,
    dependants_pensions,
    disability_allowance,
    one_time_disability_subsidy,
    one_time_employment_subsidy,
    one_time_medical_subsidy,
    own_wage,
    personal_account,
    quantize,
    suspension_wage_total,
    worker_filing_deadline,
)

money = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)
signed_money = st.decimals(min_value=-1_000_000, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)
regional_wage = st.decimals(min_value=500, max_value=50_000, places=2, allow_nan=False, allow_infinity=False)
grades = st.integers(min_value=1, max_value=10)
allowance_grades = st.integers(min_value=1, max_value=6)
leaving_grades = st.integers(min_value=5, max_value=10)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
dependants = st.lists(st.builds(Dependant, st.sampled_from([Relation.OTHER]), st.booleans()), max_size=6).flatmap(
    lambda others: st.booleans().map(
        lambda spouse: ([Dependant(Relation.SPOUSE)] if spouse else []) + others))


@given(grade=grades, wage=money, minimum=money, level=st.sampled_from(list(CareLevel)), people=dependants,
       months=st.integers(min_value=0, max_value=24), average=regional_wage)
def test_no_amount_is_ever_negative(grade, wage, minimum, level, people, months, average):
    policy = dataclasses.replace(DEMO_POLICY, average_monthly_wage=average)
    results = [one_time_disability_subsidy(grade, wage), care_fee(level, policy),
               suspension_wage_total(wage, months), *death_benefits(wage, people, policy).results()]
    if grade <= 6:
        results.append(disability_allowance(grade, wage, minimum))
    if grade >= 5:
        results += [one_time_medical_subsidy(grade, policy), one_time_employment_subsidy(grade, policy)]
    month = contributions(wage, policy)
    results += [month.employer, month.personal, month.housing_fund_employer, month.housing_fund_personal]
    for result in results:
        assert result.amount >= 0, result
        assert result.amount == quantize(result.amount)
        assert result.article_zh and result.article_en
    assert all(line.employer >= 0 and line.personal >= 0 for line in month.lines)


@given(wage=money, higher=grades, lower=grades)
def test_subsidy_falls_as_the_grade_number_rises(wage, higher, lower):
    if higher > lower:
        higher, lower = lower, higher
    severe = one_time_disability_subsidy(higher, wage)
    light = one_time_disability_subsidy(lower, wage)
    assert int(severe.inputs["months"]) >= int(light.inputs["months"])
    assert severe.amount >= light.amount
    if higher < lower:
        assert int(severe.inputs["months"]) > int(light.inputs["months"])
        if wage >= Decimal("0.01"):
            assert severe.amount > light.amount


@given(first=leaving_grades, second=leaving_grades)
def test_leaving_subsidies_of_the_demo_tables_fall_as_the_grade_number_rises(first, second):
    higher, lower = min(first, second), max(first, second)
    assert one_time_medical_subsidy(higher, DEMO_POLICY).amount >= one_time_medical_subsidy(lower, DEMO_POLICY).amount
    assert (one_time_employment_subsidy(higher, DEMO_POLICY).amount
            >= one_time_employment_subsidy(lower, DEMO_POLICY).amount)


@given(grade=allowance_grades, wage=money, minimum=money)
def test_allowance_is_never_below_the_minimum_wage(grade, wage, minimum):
    allowance = disability_allowance(grade, wage, minimum)
    assert allowance.amount >= minimum
    assert allowance.amount >= Decimal(allowance.inputs["base"])
    assert allowance.amount == max(Decimal(allowance.inputs["base"]), minimum)


@given(st.lists(st.tuples(st.sampled_from(list(EntryKind)), money), max_size=30))
def test_balance_is_owed_minus_withheld_deducted_collected_plus_refunded(movements):
    entries = [LedgerEntry(kind, amount, date(2026, 1, 1)) for kind, amount in movements]
    account = personal_account(entries)

    def total(kind: EntryKind) -> Decimal:
        return sum((amount for k, amount in movements if k is kind), Decimal(0))

    assert account.balance == (total(EntryKind.OWED) - total(EntryKind.WITHHELD) - total(EntryKind.DEDUCTED)
                               - total(EntryKind.COLLECTED) + total(EntryKind.REFUNDED))
    assert account.worker_owes - account.refund_due == account.balance


@given(balance=signed_money, source=money, instalments=st.integers(min_value=1, max_value=60))
def test_instalments_add_up_and_never_exceed_the_source(balance, source, instalments):
    plan = deduction_plan(balance, source, instalments)
    assert sum(plan.instalments, Decimal(0)) == plan.total
    assert all(Decimal(0) <= part <= source for part in plan.instalments)
    assert plan.total <= source and plan.total <= max(balance, Decimal(0))
    assert len(plan.instalments) in (0, instalments)
    assert len(set(plan.instalments[:-1])) <= 1  # equal parts, the last one takes the remainder
    # after the deduction, what remains is collected (少补) or refunded (多退): nothing is left over
    assert balance - plan.total - plan.to_collect + plan.to_refund == 0


@given(average=regional_wage, injury=days, wages=st.lists(money, min_size=1, max_size=12))
def test_own_wage_always_within_60_and_300_percent(average, injury, wages):
    policy = dataclasses.replace(DEMO_POLICY, average_monthly_wage=average)
    history = []
    for back, wage in enumerate(wages, start=1):
        year, month_index = divmod(injury.year * 12 + injury.month - 1 - back, 12)
        history.append((year, month_index + 1, wage))
    result = own_wage(history, injury, policy)
    assert quantize(average * Decimal("0.6")) <= result.amount <= average * 3
    assert result.months_counted == len(wages)
    if result.clamp is None:
        assert result.amount == result.average


@given(wage=money, people=dependants)
def test_dependants_pensions_never_exceed_the_wage(wage, people):
    pensions = dependants_pensions(wage, people, DEMO_POLICY)
    assert pensions.total.amount <= wage
    assert sum((p.amount for p in pensions.items), Decimal(0)) == pensions.total.amount


@given(start=days, months=st.integers(min_value=-120, max_value=120))
def test_add_months_lands_on_the_same_day_or_the_month_end(start, months):
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == start.day or (end.day < start.day and (end + timedelta(days=1)).day == 1)


@given(accident=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 1, 1)),
       pauses=st.lists(st.tuples(st.integers(min_value=-30, max_value=400), st.integers(min_value=0, max_value=60)),
                       max_size=4))
def test_suspension_intervals_only_extend_the_window_by_the_days_they_pause(accident, pauses):
    intervals = [(accident + timedelta(days=offset), accident + timedelta(days=offset + length))
                 for offset, length in pauses]
    plain = worker_filing_deadline(accident)
    extended = worker_filing_deadline(accident, suspensions=intervals)
    paused_days = {accident + timedelta(days=offset + k) for offset, length in pauses for k in range(length + 1)}
    counted = {d for d in paused_days if accident < d <= extended}
    assert extended >= plain
    assert (extended - plain).days == len(counted)
    assert extended not in paused_days  # the window never ends on a paused day
