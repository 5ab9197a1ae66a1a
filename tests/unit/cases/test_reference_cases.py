"""The engine gives every figure and date of the hand-worked reference cases, with its article."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from chinese_calendar import constants

from portal.cases import rules
from portal.cases.rules import DEMO_POLICY, Dependant, EntryKind, HolidayCalendar, LedgerEntry
from tests.reference_cases import CASES, DEADLINES, DEPENDANTS, PLANS, CaseRow

REST_DAYS = HolidayCalendar.build(constants.holidays, constants.workdays)


def test_the_table_holds_at_least_thirty_cases():
    assert len(CASES) + len(DEADLINES) + len(PLANS) + len(DEPENDANTS) >= 30
    assert {row.grade for row in CASES} >= set(range(1, 11))


def engine_figures(row: CaseRow) -> dict[str, tuple[Decimal, str]]:
    """Each figure the case page shows, straight from the rules engine."""
    policy = dataclasses.replace(DEMO_POLICY, **row.policy)
    contract = Decimal(row.contract_wage) if row.contract_wage else None
    wages = [(y, m, Decimal(w)) for y, m, w in row.wages]
    own = rules.own_wage(wages, row.accident, policy, contract_wage=contract)
    found = {"own_wage": (own.amount, own.article_en)}
    results = [rules.suspension_wage(rules.pre_injury_average_wage(wages, row.accident, contract_wage=contract)),
               rules.personal_share(own.average, policy)]
    if row.grade is not None:
        results.append(rules.one_time_disability_subsidy(row.grade, own))
        if rules.has_disability_allowance(row.grade):
            results.append(rules.disability_allowance(row.grade, own, policy.minimum_monthly_wage))
    if row.death is not None:
        results += [rules.funeral_subsidy(policy), rules.death_subsidy(policy)]
        family = [Dependant(rules.Relation(relation), lone, name, rules.Condition(condition))
                  for name, relation, condition, lone in row.dependants]
        pensions = rules.dependants_pensions(own, family, policy)
        found.update({f"dependant_pension:{i}": (p.amount, p.article_en)
                      for i, p in enumerate(pensions.items, start=1)})
        results.append(pensions.total)
    found.update({r.code: (r.amount, r.article_en) for r in results})
    return found


@pytest.mark.parametrize("row", CASES, ids=[row.key for row in CASES])
def test_case_figures(row):
    found = engine_figures(row)
    for code, (amount, article) in row.figures.items():
        assert found[code][0] == amount, code
        assert article in found[code][1], code


@pytest.mark.parametrize("row", DEADLINES, ids=[row.key for row in DEADLINES])
def test_deadlines_with_rest_days(row):
    assert getattr(rules, row.rule)(row.start, REST_DAYS) == row.due


@pytest.mark.parametrize("row", PLANS, ids=[row.key for row in PLANS])
def test_deduction_plans(row):
    on = DEMO_POLICY.valid_from
    account = rules.personal_account([LedgerEntry(EntryKind.OWED, row.owed, on),
                                      LedgerEntry(EntryKind.WITHHELD, row.withheld, on)])
    plan = rules.deduction_plan(account.balance, row.subsidy_left, row.instalments)
    assert (plan.instalments, plan.to_collect, plan.to_refund) == (row.parts, row.to_collect, row.to_refund)
    entries = rules.deduction_entries(plan, [on] * len(plan.instalments), rules.SUBSIDY_SOURCE)
    settled = rules.personal_account([LedgerEntry(EntryKind.OWED, row.owed, on),
                                      LedgerEntry(EntryKind.WITHHELD, row.withheld, on), *entries])
    assert settled.balance == row.to_collect - row.to_refund  # what remains is collected or refunded


@pytest.mark.parametrize("row", DEPENDANTS, ids=[row.key for row in DEPENDANTS])
def test_dependants_pensions(row):
    accident = CASES[0].accident
    own = rules.own_wage([(y, m, Decimal(w)) for y, m, w in row.wages], accident, DEMO_POLICY)
    pensions = rules.dependants_pensions(own, [Dependant(relation, lone) for relation, lone in row.dependants],
                                         DEMO_POLICY)
    assert tuple(p.amount for p in pensions.items) == row.parts and pensions.capped is row.capped
    assert "Art. 39 ¶1(2)" in pensions.total.article_en
