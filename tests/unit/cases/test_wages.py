"""The own wage (Regulations Art. 64), without Flask."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from portal.cases.rules import DEMO_POLICY, MonthlyWage, OwnWageRule, own_wage, pre_injury_average_wage

INJURY = date(2026, 3, 2)
# Li: hired 2025-09-01, six months of contribution wages before the injury.
LI_HISTORY = [(2025, 9, Decimal(4800)), (2025, 10, Decimal(5000)), (2025, 11, Decimal(5200)),
              (2025, 12, Decimal(5000)), (2026, 1, Decimal(5100)), (2026, 2, Decimal(5200))]


def months_before(injury: date, count: int, wage: Decimal) -> list[tuple[int, int, Decimal]]:
    """``count`` months ending with the month before ``injury``, all at ``wage``."""
    months = []
    for back in range(count, 0, -1):
        year, month_index = divmod(injury.year * 12 + injury.month - 1 - back, 12)
        months.append((year, month_index + 1, wage))
    return months


def test_helper_builds_the_months_before_the_injury():
    assert [m[:2] for m in months_before(INJURY, 3, Decimal(1))] == [(2025, 12), (2026, 1), (2026, 2)]


# DEMO average 8,210.00: floor 60% = 4,926.00, ceiling 300% = 24,630.00.
@pytest.mark.parametrize("wage,expected,clamp", [
    (Decimal("4925.99"), Decimal("4926.00"), "floor"),
    (Decimal("4926.00"), Decimal("4926.00"), None),
    (Decimal("4926.01"), Decimal("4926.01"), None),
    (Decimal("24629.99"), Decimal("24629.99"), None),
    (Decimal("24630.00"), Decimal("24630.00"), None),
    (Decimal("24630.01"), Decimal("24630.00"), "ceiling"),
    (Decimal("0"), Decimal("4926.00"), "floor"),
    (Decimal("100000"), Decimal("24630.00"), "ceiling"),
])
def test_clamp_to_60_and_300_percent(wage, expected, clamp):
    result = own_wage(months_before(INJURY, 12, wage), INJURY, DEMO_POLICY)
    assert (result.amount, result.clamp) == (expected, clamp)
    assert result.average == wage
    assert result.article_en == "Work Injury Insurance Regulations Art. 64"
    assert result.article_zh == "《工伤保险条例》第六十四条"


def test_li_six_months_of_service_averages_the_months_worked():
    result = own_wage(LI_HISTORY, INJURY, DEMO_POLICY)
    assert result.amount == Decimal("5050.00")
    assert (result.months_counted, result.divisor, result.rule) == (6, 6, OwnWageRule.MONTHS_WORKED)
    assert "2025-09 to 2026-02" in result.formula and "÷ 6 months = 5,050.00" in result.formula
    assert "Art. 64" in result.explanation


def test_exactly_twelve_months():
    history = months_before(INJURY, 6, Decimal(6000)) + months_before(date(2025, 9, 1), 6, Decimal(5000))
    result = own_wage(history, INJURY, DEMO_POLICY)
    assert (result.amount, result.months_counted, result.divisor) == (Decimal("5500.00"), 12, 12)


def test_only_the_twelve_months_before_the_injury_month_count():
    history = (months_before(INJURY, 13, Decimal(6000))  # the 13th month back is ignored ...
               + [(2026, 3, Decimal(99999)), (2026, 4, Decimal(99999))])  # ... and so are the injury month and later
    history[0] = (history[0][0], history[0][1], Decimal(99999))
    result = own_wage(history, INJURY, DEMO_POLICY)
    assert (result.amount, result.months_counted) == (Decimal("6000.00"), 12)


def test_rules_for_short_service():
    history = LI_HISTORY[:-1] + [(2026, 2, Decimal(0))]  # February unpaid: no contribution
    worked = own_wage(history, INJURY, DEMO_POLICY)
    contributed = own_wage(history, INJURY, DEMO_POLICY, rule=OwnWageRule.MONTHS_CONTRIBUTED)
    twelve = own_wage(history, INJURY, DEMO_POLICY, rule=OwnWageRule.TWELVE_MONTHS)
    assert worked.average == Decimal("4183.33") and worked.clamp == "floor"
    assert contributed.average == Decimal("5020.00") and contributed.months_counted == 5
    assert twelve.average == Decimal("2091.67") and twelve.divisor == 12
    selected = dataclasses.replace(DEMO_POLICY, own_wage_rule=OwnWageRule.MONTHS_CONTRIBUTED)
    assert own_wage(history, INJURY, selected).average == Decimal("5020.00")


def test_monthly_wage_objects_are_accepted():
    history = [MonthlyWage(y, m, w) for y, m, w in LI_HISTORY]
    assert own_wage(history, INJURY, DEMO_POLICY).amount == Decimal("5050.00")


def test_pre_injury_average_is_not_clamped():
    """The original wage kept during the suspension period (Art. 33 ¶1) is the real average."""
    low = months_before(INJURY, 4, Decimal(3000))
    assert pre_injury_average_wage(low, INJURY) == Decimal("3000.00")
    assert own_wage(low, INJURY, DEMO_POLICY).amount == Decimal("4926.00")


@pytest.mark.parametrize("history,message", [
    (LI_HISTORY + [(2025, 9, Decimal(4800))], "duplicate month.*2025-09"),
    (LI_HISTORY[:-1] + [(2026, 2, Decimal("-1"))], "wage of 2026-02 must not be negative"),
    ([(2026, 13, Decimal(1))], "month must be 1–12"),
    ([], "no contribution wage in the 12 months before"),
    ([(2026, 3, Decimal(5000)), (2026, 4, Decimal(5000))], "no contribution wage"),
    ([(2024, 12, Decimal(5000))], "no contribution wage"),
])
def test_invalid_histories(history, message):
    with pytest.raises(ValueError, match=message):
        own_wage(history, INJURY, DEMO_POLICY)


def test_duplicates_outside_the_window_are_refused_too():
    with pytest.raises(ValueError, match="duplicate"):
        own_wage(LI_HISTORY + [(2026, 5, Decimal(1)), (2026, 5, Decimal(2))], INJURY, DEMO_POLICY)


def test_float_wages_are_refused():
    with pytest.raises(TypeError, match="wage"):
        own_wage([(2026, 2, 5000.0)], INJURY, DEMO_POLICY)


def test_no_contributed_month():
    with pytest.raises(ValueError, match="above 0"):
        own_wage([(2026, 2, Decimal(0))], INJURY, DEMO_POLICY, rule=OwnWageRule.MONTHS_CONTRIBUTED)
