"""Benefit amounts, payers and articles (Regulations Arts. 33–39), without Flask."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from portal.cases.rules import (
    DEMO_POLICY,
    CareLevel,
    Condition,
    Dependant,
    DependantError,
    Frequency,
    Payer,
    Relation,
    SubsidyBasis,
    care_fee,
    death_benefits,
    death_subsidy,
    check_dependants,
    dependants_pensions,
    disability_allowance,
    funeral_subsidy,
    has_disability_allowance,
    keeps_labour_relationship,
    one_time_disability_subsidy,
    one_time_employment_subsidy,
    one_time_medical_subsidy,
    suspension_wage,
    suspension_wage_total,
)

OWN_WAGE = Decimal("5050.00")
MINIMUM = DEMO_POLICY.minimum_monthly_wage  # 2,690.00


def test_suspension_wage_is_the_original_wage_paid_by_the_employer():
    monthly = suspension_wage(Decimal("5050"))
    assert (monthly.code, monthly.amount, monthly.payer, monthly.frequency) == (
        "suspension_wage_monthly", Decimal("5050.00"), Payer.EMPLOYER, Frequency.MONTHLY)
    assert monthly.article_zh == "《工伤保险条例》第三十三条第一款"
    assert monthly.article_en == "Work Injury Insurance Regulations Art. 33 ¶1"
    total = suspension_wage_total(Decimal("5050"), 6)
    assert total.amount == Decimal("30300.00") and total.payer is Payer.EMPLOYER
    assert total.formula == "6 months × original monthly wage 5,050.00 = 30,300.00"
    assert suspension_wage_total(Decimal("5050"), Decimal("6.5")).amount == Decimal("32825.00")
    assert suspension_wage_total(Decimal("5050"), 24).amount == Decimal("121200.00")


@pytest.mark.parametrize("call,field", [
    (lambda: suspension_wage(Decimal("-1")), "original_monthly_wage"),
    (lambda: suspension_wage_total(Decimal("5050"), -1), "months"),
    (lambda: suspension_wage_total(Decimal("5050"), 25), "months"),
    (lambda: one_time_disability_subsidy(9, Decimal("-1")), "own_wage"),
    (lambda: disability_allowance(1, OWN_WAGE, Decimal("-1")), "minimum_wage"),
    (lambda: dependants_pensions(OWN_WAGE, [], DEMO_POLICY, cap=Decimal("-5")), "cap"),
])
def test_negative_inputs_are_refused_by_name(call, field):
    with pytest.raises(ValueError, match=field):
        call()


# Regulations Arts. 35–37: months of own wage by grade, paid by the fund.
@pytest.mark.parametrize("grade,months,article", [
    (1, 27, "Art. 35"), (2, 25, "Art. 35"), (3, 23, "Art. 35"), (4, 21, "Art. 35"),
    (5, 18, "Art. 36"), (6, 16, "Art. 36"),
    (7, 13, "Art. 37"), (8, 11, "Art. 37"), (9, 9, "Art. 37"), (10, 7, "Art. 37"),
])
def test_one_time_disability_subsidy_by_grade(grade, months, article):
    subsidy = one_time_disability_subsidy(grade, OWN_WAGE)
    assert subsidy.amount == OWN_WAGE * months
    assert (subsidy.code, subsidy.payer, subsidy.frequency) == ("one_time_disability_subsidy", Payer.FUND, Frequency.ONCE)
    assert subsidy.article_en == f"Work Injury Insurance Regulations {article}"
    assert subsidy.article_zh.startswith("《工伤保险条例》第三十")
    assert subsidy.inputs == {"grade": str(grade), "months": str(months), "own_wage": "5050.00",
                              "amount": f"{OWN_WAGE * months:.2f}"}
    assert article in subsidy.explanation and subsidy.article.startswith("《工伤保险条例》")


@pytest.mark.parametrize("grade", [0, 11, -1, 100])
def test_grade_outside_1_to_10_is_refused(grade):
    for call in (lambda: one_time_disability_subsidy(grade, OWN_WAGE),
                 lambda: disability_allowance(grade, OWN_WAGE, MINIMUM),
                 lambda: one_time_medical_subsidy(grade, DEMO_POLICY),
                 lambda: one_time_employment_subsidy(grade, DEMO_POLICY),
                 lambda: has_disability_allowance(grade)):
        with pytest.raises(ValueError, match="grade"):
            call()


def test_grade_must_be_a_whole_number():
    with pytest.raises(TypeError, match="grade"):
        one_time_disability_subsidy(True, OWN_WAGE)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="grade"):
        one_time_disability_subsidy("9", OWN_WAGE)  # type: ignore[arg-type]


# Arts. 35–36: 90/85/80/75% by the fund, 70/60% by the employer, own wage 8,000 so no top-up.
@pytest.mark.parametrize("grade,amount,payer,article", [
    (1, "7200.00", Payer.FUND, "Art. 35"), (2, "6800.00", Payer.FUND, "Art. 35"),
    (3, "6400.00", Payer.FUND, "Art. 35"), (4, "6000.00", Payer.FUND, "Art. 35"),
    (5, "5600.00", Payer.EMPLOYER, "Art. 36"), (6, "4800.00", Payer.EMPLOYER, "Art. 36"),
])
def test_disability_allowance_by_grade(grade, amount, payer, article):
    allowance = disability_allowance(grade, Decimal(8000), MINIMUM)
    assert (allowance.amount, allowance.payer, allowance.frequency) == (Decimal(amount), payer, Frequency.MONTHLY)
    assert allowance.article_en.endswith(article) and allowance.inputs["top_up"] == "0.00"
    assert "topped up" not in allowance.formula and allowance.notes


# The minimum-wage top-up for every grade 1–6: just below, at and above the minimum.
@pytest.mark.parametrize("grade,own,amount,top_up", [
    (1, Decimal("2988.88"), "2690.00", "0.01"),  # 90% = 2,689.99
    (1, Decimal("2988.89"), "2690.00", "0.00"),  # 90% = 2,690.00 (2,690.001)
    (1, Decimal("2988.90"), "2690.01", "0.00"),
    (2, Decimal("3000.00"), "2690.00", "140.00"),
    (3, Decimal("3000.00"), "2690.00", "290.00"),
    (4, Decimal("3000.00"), "2690.00", "440.00"),
    (5, Decimal("3000.00"), "2690.00", "590.00"),
    (6, Decimal("3000.00"), "2690.00", "890.00"),
    (6, Decimal("4483.33"), "2690.00", "0.00"),  # 60% = 2,689.998 → 2,690.00
    (6, Decimal("4483.32"), "2690.00", "0.01"),
    (6, Decimal("0.00"), "2690.00", "2690.00"),
])
def test_minimum_wage_top_up(grade, own, amount, top_up):
    allowance = disability_allowance(grade, own, MINIMUM)
    assert allowance.amount == Decimal(amount)
    assert allowance.inputs["top_up"] == top_up
    assert ("topped up" in allowance.formula) is (top_up != "0.00")
    assert allowance.payer is (Payer.FUND if grade <= 4 else Payer.EMPLOYER)  # the same payer tops up


def test_grades_5_and_6_with_suitable_work_get_no_allowance():
    allowance = disability_allowance(5, OWN_WAGE, MINIMUM, suitable_work_arranged=True)
    assert allowance.amount == 0 and allowance.payer is Payer.EMPLOYER and "suitable work" in allowance.formula
    # for grades 1–4 the flag changes nothing: they leave the post (Art. 35)
    assert disability_allowance(1, OWN_WAGE, MINIMUM, suitable_work_arranged=True).amount == Decimal("4545.00")


@pytest.mark.parametrize("grade", [7, 8, 9, 10])
def test_grades_7_to_10_have_no_allowance(grade):
    assert not has_disability_allowance(grade)
    with pytest.raises(ValueError, match=f"grade {grade} carries no disability allowance"):
        disability_allowance(grade, OWN_WAGE, MINIMUM)


def test_who_keeps_the_labour_relationship():
    assert [keeps_labour_relationship(g) for g in range(1, 11)] == [True] * 4 + [False] * 6
    assert [has_disability_allowance(g) for g in range(1, 11)] == [True] * 6 + [False] * 4


# Art. 34: 50/40/30% of the regional average monthly wage (8,210.00), paid by the fund.
@pytest.mark.parametrize("level,amount", [
    (CareLevel.FULLY_UNABLE, "4105.00"), (CareLevel.MOSTLY_UNABLE, "3284.00"), (CareLevel.PARTLY_UNABLE, "2463.00"),
])
def test_care_fee(level, amount):
    fee = care_fee(level, DEMO_POLICY)
    assert (fee.amount, fee.payer, fee.frequency, fee.code) == (Decimal(amount), Payer.FUND, Frequency.MONTHLY, "care_fee")
    assert fee.article_en == "Work Injury Insurance Regulations Art. 34"


# Arts. 36–37 with the demo province's tables (months of the regional average wage).
@pytest.mark.parametrize("grade,medical_months,employment_months", [
    (5, 16, 30), (6, 14, 25), (7, 12, 20), (8, 10, 15), (9, 8, 10), (10, 6, 5),
])
def test_leaving_subsidies(grade, medical_months, employment_months):
    medical = one_time_medical_subsidy(grade, DEMO_POLICY)
    employment = one_time_employment_subsidy(grade, DEMO_POLICY)
    assert medical.amount == DEMO_POLICY.average_monthly_wage * medical_months and medical.payer is Payer.FUND
    assert employment.amount == DEMO_POLICY.average_monthly_wage * employment_months
    assert employment.payer is Payer.EMPLOYER
    assert medical.inputs["region"] == DEMO_POLICY.region


@pytest.mark.parametrize("grade", [1, 2, 3, 4])
def test_leaving_subsidies_need_grade_5_to_10(grade):
    with pytest.raises(ValueError, match="grade must be 5–10"):
        one_time_medical_subsidy(grade, DEMO_POLICY)
    with pytest.raises(ValueError, match="grade must be 5–10"):
        one_time_employment_subsidy(grade, DEMO_POLICY)


def test_leaving_subsidies_counted_in_own_wage():
    policy = dataclasses.replace(DEMO_POLICY, subsidy_basis=SubsidyBasis.OWN_WAGE)
    assert one_time_medical_subsidy(9, policy, own_wage=OWN_WAGE).amount == OWN_WAGE * 8
    with pytest.raises(ValueError, match="own_wage is required"):
        one_time_employment_subsidy(9, policy)


def test_funeral_and_death_subsidy():
    funeral = funeral_subsidy(DEMO_POLICY)
    assert funeral.amount == Decimal("49260.00") and funeral.payer is Payer.FUND
    assert funeral.article_en == "Work Injury Insurance Regulations Art. 39 ¶1(1)"
    assert funeral.article_zh == "《工伤保险条例》第三十九条第一款第（一）项"
    death = death_subsidy(DEMO_POLICY)
    assert death.amount == Decimal("1083760.00") and death.payer is Payer.FUND
    assert "disposable income" in death.formula and "salary" not in death.formula
    # the fact sheet's example: 20 × 51,821 (2023) = 1,036,420 for deaths in 2024
    policy_2024 = dataclasses.replace(DEMO_POLICY, national_disposable_income=Decimal(51821))
    assert death_subsidy(policy_2024).amount == Decimal("1036420.00")


SPOUSE = Dependant(Relation.SPOUSE)
CHILD = Dependant(Relation.OTHER)
ORPHAN = Dependant(Relation.OTHER, lone=True)


@pytest.mark.parametrize("dependants,amounts,total,capped", [
    ([], [], "0.00", False),
    ([SPOUSE], ["2020.00"], "2020.00", False),
    ([CHILD], ["1515.00"], "1515.00", False),
    ([ORPHAN], ["2020.00"], "2020.00", False),
    ([SPOUSE, CHILD, CHILD], ["2020.00", "1515.00", "1515.00"], "5050.00", False),  # exactly 100%: no cut
    ([SPOUSE, CHILD, ORPHAN], ["1836.36", "1377.27", "1836.37"], "5050.00", True),  # 110% cut to 100%
    ([SPOUSE, ORPHAN, ORPHAN], ["1683.33", "1683.33", "1683.34"], "5050.00", True),
])
def test_dependants_pensions_with_the_cap(dependants, amounts, total, capped):
    pensions = dependants_pensions(OWN_WAGE, dependants, DEMO_POLICY)
    assert [p.amount for p in pensions.items] == [Decimal(a) for a in amounts]
    assert pensions.total.amount == Decimal(total) and pensions.capped is capped
    assert all(p.payer is Payer.FUND and p.frequency is Frequency.MONTHLY for p in pensions.items)
    assert sum((p.amount for p in pensions.items), Decimal(0)) == pensions.total.amount


def test_dependants_pensions_rules():
    with pytest.raises(DependantError, match="second_spouse"):
        dependants_pensions(OWN_WAGE, [SPOUSE, SPOUSE], DEMO_POLICY)
    pre_death = dependants_pensions(OWN_WAGE, [SPOUSE, CHILD, CHILD], DEMO_POLICY, cap=Decimal(4000))
    assert pre_death.capped and pre_death.total.amount == Decimal("4000.00")


@pytest.mark.parametrize("dependants,code", [
    ([Dependant(Relation.CHILD, condition=Condition.ELDERLY)], "condition_not_for_relation"),
    ([Dependant(Relation.SPOUSE, condition=Condition.MINOR)], "condition_not_for_relation"),
    ([Dependant(Relation.PARENT, condition=Condition.MINOR)], "condition_not_for_relation"),
    ([Dependant(Relation.CHILD, lone=True, condition=Condition.UNABLE_TO_WORK)], "lone_needs_age"),
    ([Dependant(Relation.SPOUSE, condition=Condition.ELDERLY)] * 2, "second_spouse"),
    ([Dependant(Relation.CHILD, condition=Condition.MINOR)] * 13, "too_many"),
])
def test_dependants_must_qualify_as_recorded(dependants, code):
    with pytest.raises(DependantError) as error:
        check_dependants(dependants)
    assert error.value.code == code


def test_qualifying_dependants_pass_and_each_pension_names_the_relative():
    family = [Dependant(Relation.SPOUSE, label="王芳", condition=Condition.UNABLE_TO_WORK),
              Dependant(Relation.CHILD, lone=True, label="李小明", condition=Condition.MINOR),
              Dependant(Relation.PARENT, lone=True, label="李大山", condition=Condition.ELDERLY),
              Dependant(Relation.OTHER, label="李小红", condition=Condition.MINOR)]
    check_dependants(family)
    pensions = dependants_pensions(OWN_WAGE, family, DEMO_POLICY)
    assert [p.inputs["name"] for p in pensions.items] == ["王芳", "李小明", "李大山", "李小红"]
    assert [p.inputs["condition"] for p in pensions.items] == ["unable_to_work", "minor", "elderly", "minor"]


def test_death_benefits():
    full = death_benefits(OWN_WAGE, [SPOUSE], DEMO_POLICY)
    assert [r.code for r in full.results()] == ["funeral_subsidy", "dependant_pension", "one_time_death_subsidy"]
    assert all(r.payer is Payer.FUND for r in full.results())
    # Art. 39 ¶3: grades 1–4 dying after the suspension period: no one-time death subsidy
    later = death_benefits(OWN_WAGE, [SPOUSE], DEMO_POLICY, grade=3, died_after_suspension=True)
    assert later.death_subsidy is None and [r.code for r in later.results()] == ["funeral_subsidy", "dependant_pension"]
    assert death_benefits(OWN_WAGE, [SPOUSE], DEMO_POLICY, grade=5, died_after_suspension=True).death_subsidy
    with pytest.raises(ValueError, match="grade"):
        death_benefits(OWN_WAGE, [SPOUSE], DEMO_POLICY, grade=11)
