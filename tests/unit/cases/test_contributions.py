"""Monthly contributions, employer and personal shares, without Flask."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from portal.cases.rules import DEMO_POLICY, Insurance, Payer, ShareRates, contribution_base, contributions


def test_li_contributions_on_his_wage():
    month = contributions(Decimal("5050.00"), DEMO_POLICY)
    assert (month.base, month.base_clamp) == (Decimal("5050.00"), None)
    personal = {line.insurance: line.personal for line in month.lines}
    assert personal == {Insurance.PENSION: Decimal("404.00"), Insurance.MEDICAL: Decimal("101.00"),
                        Insurance.UNEMPLOYMENT: Decimal("25.25"), Insurance.WORK_INJURY: Decimal("0.00"),
                        Insurance.MATERNITY: Decimal("0.00")}
    assert month.personal.amount == Decimal("530.25") and month.personal.payer is Payer.EMPLOYEE
    assert month.employer.amount == Decimal("1272.60") and month.employer.payer is Payer.EMPLOYER
    assert month.line(Insurance.WORK_INJURY).employer == Decimal("45.45")
    assert month.housing_fund_personal.amount == Decimal("252.50")
    assert month.housing_fund_employer.amount == Decimal("252.50")
    assert month.personal_with_housing_fund == Decimal("782.75")  # "about 800 yuan a month"
    assert month.employer_with_housing_fund == Decimal("1525.10")
    assert "Social Insurance Law Art. 60" in month.personal.article_en
    assert "《社会保险法》第六十条" in month.personal.article_zh
    assert "withheld from pay" in month.personal.formula and "pension 8% = 404.00" in month.personal.formula
    assert "work injury 0.9% = 45.45" in month.employer.formula
    assert "Housing Provident Fund Regulations Art. 18" in month.housing_fund_personal.article_en


# The base is clamped to the policy's floor (4,926.00) and ceiling (24,630.00).
@pytest.mark.parametrize("wage,base,clamp", [
    (Decimal("4925.99"), Decimal("4926.00"), "floor"),
    (Decimal("4926.00"), Decimal("4926.00"), None),
    (Decimal("4926.01"), Decimal("4926.01"), None),
    (Decimal("24630.00"), Decimal("24630.00"), None),
    (Decimal("24630.01"), Decimal("24630.00"), "ceiling"),
    (Decimal("0"), Decimal("4926.00"), "floor"),
])
def test_base_is_clamped(wage, base, clamp):
    month = contributions(wage, DEMO_POLICY)
    assert (month.base, month.base_clamp) == (base, clamp)
    assert contribution_base(wage, DEMO_POLICY) == base
    assert month.line(Insurance.PENSION).personal == (base * Decimal("0.08")).quantize(Decimal("0.01"))
    assert ("raised to the floor" in month.personal.formula) is (clamp == "floor")


def test_housing_fund_has_its_own_base_limits():
    month = contributions(Decimal(4000), DEMO_POLICY)
    assert month.base == Decimal("4926.00") and month.housing_fund_base == Decimal("4000.00")
    shared = dataclasses.replace(DEMO_POLICY, housing_fund_base_floor=None, housing_fund_base_ceiling=None)
    assert contributions(Decimal(4000), shared).housing_fund_base == Decimal("4926.00")


def test_totals_add_the_rounded_lines():
    month = contributions(Decimal("5555.55"), DEMO_POLICY)
    assert month.personal.amount == sum((line.personal for line in month.lines), Decimal(0))
    assert month.employer.amount == sum((line.employer for line in month.lines), Decimal(0))


def test_policy_without_maternity_insurance():
    rates = {k: v for k, v in DEMO_POLICY.insurance_rates.items() if k is not Insurance.MATERNITY}
    policy = dataclasses.replace(DEMO_POLICY, insurance_rates=rates | {
        Insurance.MEDICAL: ShareRates(Decimal("0.078"), Decimal("0.02"))})
    month = contributions(Decimal(5000), policy)
    assert [line.insurance for line in month.lines] == [Insurance.PENSION, Insurance.MEDICAL, Insurance.UNEMPLOYMENT,
                                                        Insurance.WORK_INJURY]
    with pytest.raises(KeyError):
        month.line(Insurance.MATERNITY)


def test_negative_wage_is_refused():
    with pytest.raises(ValueError, match="wage must not be negative"):
        contributions(Decimal("-1"), DEMO_POLICY)
