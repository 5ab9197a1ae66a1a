"""Money handling, citations and regional policies, without Flask."""

from __future__ import annotations

import ast
import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import portal.cases.rules as rules
from portal.cases.rules import (
    DEMO_POLICY,
    CareLevel,
    Insurance,
    PersonalShareHandling,
    RegionalPolicy,
    ShareRates,
    policy_in_force,
    quantize,
    yuan,
)
from portal.cases.rules.citations import art, chinese_number, REGULATIONS, CIVIL_CODE

RULES_DIR = Path(rules.__file__).parent


@pytest.mark.parametrize("raw,expected", [
    (Decimal("1.005"), Decimal("1.01")),
    (Decimal("1.004"), Decimal("1.00")),
    (Decimal("2.675"), Decimal("2.68")),  # the float 2.675 would round to 2.67
    (Decimal("0.125"), Decimal("0.13")),
    (5000, Decimal("5000.00")),
    ("45450", Decimal("45450.00")),
])
def test_yuan_rounds_half_up_to_fen(raw, expected):
    assert yuan(raw, "amount") == expected
    assert yuan(raw, "amount").as_tuple().exponent == -2


def test_yuan_refuses_floats_and_names_negative_fields():
    with pytest.raises(TypeError, match="wage"):
        yuan(5000.0, "wage")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="own_wage must not be negative"):
        yuan(Decimal("-0.01"), "own_wage")
    with pytest.raises(ValueError, match="wage"):
        yuan(Decimal("NaN"), "wage")
    assert quantize(Decimal("-1.005")) == Decimal("-1.01")  # half up means away from zero


@pytest.mark.parametrize("n,zh", [(1, "一"), (10, "十"), (17, "十七"), (20, "二十"), (35, "三十五"), (64, "六十四"),
                                  (100, "一百"), (110, "一百一十"), (200, "二百"), (204, "二百零四"), (999, "九百九十九")])
def test_chinese_article_numbers(n, zh):
    assert chinese_number(n) == zh


def test_citations_in_both_languages():
    assert art(REGULATIONS, 35).zh == "《工伤保险条例》第三十五条"
    assert art(REGULATIONS, 35).en == "Work Injury Insurance Regulations Art. 35"
    assert art(REGULATIONS, 33, 2).zh == "《工伤保险条例》第三十三条第二款"
    assert art(REGULATIONS, 33, 2).en == "Work Injury Insurance Regulations Art. 33 ¶2"
    assert art(CIVIL_CODE, 200, last=204).zh == "《民法典》第二百条至第二百零四条"


def _replace(**changes):
    return dataclasses.replace(DEMO_POLICY, **changes)


def test_demo_policy_is_marked_as_demo():
    assert "DEMO" in DEMO_POLICY.region
    assert "DEMO VALUES" in DEMO_POLICY.source and "NOT official" in DEMO_POLICY.source
    assert DEMO_POLICY.care_fee_rates == {CareLevel.FULLY_UNABLE: Decimal("0.50"),
                                          CareLevel.MOSTLY_UNABLE: Decimal("0.40"),
                                          CareLevel.PARTLY_UNABLE: Decimal("0.30")}
    assert DEMO_POLICY.funeral_subsidy_months == 6 and DEMO_POLICY.death_subsidy_multiple == 20
    assert DEMO_POLICY.recognition_extension_cap_days == 30
    assert DEMO_POLICY.deduction_instalments == 3
    assert _replace(personal_share_handling=PersonalShareHandling.DEDUCT_AT_ONCE).deduction_instalments == 1


def test_policy_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEMO_POLICY.average_monthly_wage = Decimal(1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        DEMO_POLICY.medical_subsidy_months[5] = Decimal(1)  # type: ignore[index]


@pytest.mark.parametrize("changes,field", [
    ({"average_monthly_wage": Decimal("-1")}, "average_monthly_wage"),
    ({"minimum_monthly_wage": Decimal("-1")}, "minimum_monthly_wage"),
    ({"contribution_base_floor": Decimal("30000")}, "contribution_base_floor"),
    ({"housing_fund_personal_rate": Decimal("1.2")}, "housing_fund_personal_rate"),
    ({"insurance_rates": {Insurance.WORK_INJURY: ShareRates(Decimal("0.01"), Decimal("0.001"))}},
     "insurance_rates[work_injury].personal"),
    ({"insurance_rates": {Insurance.MATERNITY: ShareRates(Decimal("0.01"), Decimal("0.002"))}},
     "insurance_rates[maternity].personal"),
    ({"insurance_rates": {Insurance.PENSION: ShareRates(Decimal("-0.16"), Decimal("0.08"))}},
     "insurance_rates[pension].employer"),
    ({"medical_subsidy_months": {5: Decimal(1)}}, "medical_subsidy_months"),
    ({"employment_subsidy_months": {g: Decimal(-1) for g in range(5, 11)}}, "employment_subsidy_months[5]"),
    ({"care_fee_rates": {CareLevel.FULLY_UNABLE: Decimal("0.5")}}, "care_fee_rates"),
    ({"personal_share_instalments": 0}, "personal_share_instalments"),
    ({"recognition_extension_cap_days": -1}, "recognition_extension_cap_days"),
    ({"region": " "}, "region"),
])
def test_policy_validation_names_the_field(changes, field):
    with pytest.raises(ValueError, match=field.replace("[", r"\[").replace("]", r"\]")):
        _replace(**changes)


def test_policy_refuses_float_amounts():
    with pytest.raises(TypeError, match="average_monthly_wage"):
        _replace(average_monthly_wage=8210.0)


def _version(valid_from: date, region: str = "Suzhou") -> RegionalPolicy:
    return _replace(valid_from=valid_from, region=region, source=f"{region} {valid_from}")


@pytest.mark.parametrize("on,expected", [
    (date(2024, 7, 1), date(2024, 7, 1)),
    (date(2025, 6, 30), date(2024, 7, 1)),
    (date(2025, 7, 1), date(2025, 7, 1)),
    (date(2030, 1, 1), date(2025, 7, 1)),
])
def test_policy_in_force_picks_the_newest_valid_version(on, expected):
    policies = [_version(date(2025, 7, 1)), _version(date(2024, 7, 1))]
    assert policy_in_force(policies, on).valid_from == expected


def test_policy_in_force_errors():
    with pytest.raises(ValueError, match="no regional policy in force on 2024-06-30"):
        policy_in_force([_version(date(2024, 7, 1))], date(2024, 6, 30))
    with pytest.raises(ValueError, match="two policies"):
        policy_in_force([_version(date(2024, 7, 1)), _version(date(2024, 7, 1))], date(2025, 1, 1))
    mixed = [_version(date(2024, 7, 1), "Suzhou"), _version(date(2024, 1, 1), "Wuxi")]
    with pytest.raises(ValueError, match="pass region"):
        policy_in_force(mixed, date(2025, 1, 1))
    assert policy_in_force(mixed, date(2025, 1, 1), region="Wuxi").region == "Wuxi"
    with pytest.raises(ValueError, match="for Nanjing"):
        policy_in_force(mixed, date(2025, 1, 1), region="Nanjing")


FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_babel", "sqlalchemy", "portal.extensions", "werkzeug")


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_rules_are_pure(path):
    """No framework imports and no clock: ``today`` is always passed in (house style)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
            if name.startswith("portal."):
                assert name.startswith("portal.cases.rules"), f"{path.name} imports {name}"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            clock = node.value.id in {"date", "datetime", "time"} and node.attr in {"today", "now", "utcnow", "time"}
            assert not clock, f"{path.name} reads the clock"
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            pytest.fail(f"{path.name} has a float literal {node.value}")


def test_public_surface_is_complete():
    for name in rules.__all__:
        assert hasattr(rules, name), name
