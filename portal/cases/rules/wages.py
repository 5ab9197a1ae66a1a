"""The own wage (本人工资, Regulations Art. 64) and the pre-injury average wage.

Art. 64: the own wage is the worker's average monthly contribution wage over the 12 months before
the injury; above 300% of the pooling region's average monthly wage 300% is used, below 60% 60%.
With fewer than 12 months on record the national text is silent: the default divides by the months
actually worked, as the source case and common practice do (``OwnWageRule``, a regional setting).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from portal.cases.rules import citations
from portal.cases.rules.money import ZERO, fmt, plain, quantize, yuan
from portal.cases.rules.policy import FirstMonthRule, OwnWageRule, RegionalPolicy

FLOOR_RATIO = Decimal("0.6")  # Regulations Art. 64 ¶2
CEILING_RATIO = Decimal("3")
WINDOW_MONTHS = 12


@dataclass(frozen=True)
class MonthlyWage:
    """The contribution wage (缴费工资) of one calendar month."""

    year: int
    month: int
    wage: Decimal


def _monthly_wages(history: Iterable[MonthlyWage | Sequence[object]]) -> list[MonthlyWage]:
    seen: set[tuple[int, int]] = set()
    months = []
    for entry in history:
        year, month, wage = (entry.year, entry.month, entry.wage) if isinstance(entry, MonthlyWage) else entry
        if isinstance(year, bool) or isinstance(month, bool) or not isinstance(year, int) or not isinstance(month, int):
            raise TypeError("year and month must be whole numbers")
        if not 1 <= month <= 12:
            raise ValueError(f"month must be 1–12 (got {month} in {year})")
        key = (year, month)
        if key in seen:
            raise ValueError(f"duplicate month in the wage history: {year}-{month:02d}")
        seen.add(key)
        months.append(MonthlyWage(year, month, yuan(wage, f"wage of {year}-{month:02d}")))
    return months


def _index(year: int, month: int) -> int:
    return year * 12 + month - 1


@dataclass(frozen=True)
class OwnWage:
    """The own wage and how it was reached."""

    amount: Decimal  # clamped to 60%–300% of the regional average
    average: Decimal  # before the clamp
    months_counted: int
    divisor: int
    clamp: str | None  # "floor", "ceiling" or None
    rule: OwnWageRule
    formula: str
    inputs: dict[str, str] = field(default_factory=dict)
    article_zh: str = citations.OWN_WAGE.zh
    article_en: str = citations.OWN_WAGE.en

    @property
    def explanation(self) -> str:
        return f"{self.formula} ({self.article_en})"


def _window(history: Iterable[MonthlyWage | Sequence[object]], injury_date: date,
            required: bool = True) -> list[MonthlyWage]:
    injury = _index(injury_date.year, injury_date.month)
    window = [m for m in _monthly_wages(history) if injury - WINDOW_MONTHS <= _index(m.year, m.month) < injury]
    if not window and required:
        raise ValueError(f"history has no contribution wage in the {WINDOW_MONTHS} months before the injury "
                         f"({injury_date.isoformat()})")
    return sorted(window, key=lambda m: (m.year, m.month))


def _average(window: list[MonthlyWage], rule: OwnWageRule) -> tuple[Decimal, int, int]:
    """(average, months counted, divisor) for the months of the 12-month window."""
    counted = [m for m in window if m.wage > 0] if rule is OwnWageRule.MONTHS_CONTRIBUTED else window
    if not counted:
        raise ValueError("history has no month with a contribution wage above 0 before the injury")
    divisor = WINDOW_MONTHS if rule is OwnWageRule.TWELVE_MONTHS else len(counted)
    total = sum((m.wage for m in counted), ZERO)
    return quantize(total / divisor), len(counted), divisor


def pre_injury_average_wage(
    history: Iterable[MonthlyWage | Sequence[object]],
    injury_date: date,
    *,
    rule: OwnWageRule = OwnWageRule.MONTHS_WORKED,
    contract_wage: Decimal | None = None,
) -> Decimal:
    """The average monthly wage before the injury, **without** the Art. 64 clamp.

    A common regional definition of the "original wage" kept during the paid suspension period
    (Regulations Art. 33 ¶1 leaves it undefined): Guangdong and the Beijing-style rule take the
    12-month average, with fewer months the months actually worked (the source case's rule for
    short-tenure staff). Where overtime is excluded (Henan, Zhejiang) pass wages without overtime.
    """
    window = _window(history, injury_date, required=contract_wage is None)
    if not window:  # injured in the first month: the wage agreed in the contract
        return yuan(contract_wage, "contract_wage")
    average, _, _ = _average(window, OwnWageRule(rule))
    return average


def own_wage(
    history: Iterable[MonthlyWage | Sequence[object]],
    injury_date: date,
    policy: RegionalPolicy,
    *,
    rule: OwnWageRule | None = None,
    contract_wage: Decimal | None = None,
) -> OwnWage:
    """The own wage (本人工资) for an injury on ``injury_date`` (Regulations Art. 64).

    ``history`` holds ``(year, month, wage)`` monthly contribution wages (or ``MonthlyWage``); months
    on or after the injury month, and months more than 12 before it, are ignored. Duplicate months,
    months outside 1–12 and negative wages are refused, and so is a history with no month in the
    window, unless the worker was injured in the first month (no full month on record) and
    ``contract_wage`` is given: then ``policy.first_month_rule`` decides (the contract wage, or 60%
    of the regional average), within the same 60%–300% clamp. ``rule`` defaults to
    ``policy.own_wage_rule``; ``policy`` is the one in force on the injury date, whose average wage
    is the prior year's (上年度).
    """
    rule = OwnWageRule(policy.own_wage_rule if rule is None else rule)
    regional = policy.average_monthly_wage
    floor = quantize(regional * FLOOR_RATIO)
    ceiling = quantize(regional * CEILING_RATIO)
    window = _window(history, injury_date, required=contract_wage is None)
    if window:
        average, counted, divisor = _average(window, rule)
        first, last = window[0], window[-1]
        span = f"{first.year}-{first.month:02d} to {last.year}-{last.month:02d}"
        if rule is OwnWageRule.MONTHS_CONTRIBUTED and counted < len(window):
            span += " (months with contributions only)"
        formula = f"Average monthly contribution wage {span}: total ÷ {divisor} months = {fmt(average)}"
    else:
        counted = divisor = 0
        first_month = FirstMonthRule(policy.first_month_rule)
        if first_month is FirstMonthRule.CONTRACT_WAGE:
            average = yuan(contract_wage, "contract_wage")
            formula = f"Injured in the first month, no full month of wages: contract wage {fmt(average)}"
        else:
            average = floor
            formula = f"Injured in the first month, no full month of wages: 60% of the regional average wage " \
                      f"= {fmt(average)}"
    clamp = None
    amount = average
    if average < floor:
        amount, clamp = floor, "floor"
    elif average > ceiling:
        amount, clamp = ceiling, "ceiling"
    if clamp == "floor":
        formula += f"; below 60% of the regional average wage {fmt(regional)}, so 60% = {fmt(amount)}"
    elif clamp == "ceiling":
        formula += f"; above 300% of the regional average wage {fmt(regional)}, so 300% = {fmt(amount)}"
    else:
        formula += f", within 60%–300% of the regional average wage {fmt(regional)}"
    inputs = {
        "average": plain(average),
        "months_counted": str(counted),
        "divisor": str(divisor),
        "regional_average_wage": plain(regional),
        "floor": plain(floor),
        "ceiling": plain(ceiling),
        "own_wage": plain(amount),
        "rule": rule.value if window else FirstMonthRule(policy.first_month_rule).value,
    }
    return OwnWage(amount, average, counted, divisor, clamp, rule, formula, inputs)
