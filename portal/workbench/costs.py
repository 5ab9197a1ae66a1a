"""Cost report arithmetic: who paid what for injuries, per case, month and department. Pure.

The lines come from the case pages' own figures (suspension wages paid, contributions, fund
benefits, the personal-share account), so the report always equals them.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


class Category(str, enum.Enum):
    SUSPENSION_WAGES = "suspension_wages"  # employer, Regulations Art. 33 ¶1
    EMPLOYER_SOCIAL_INSURANCE = "employer_social_insurance"  # Social Insurance Law Art. 60
    EMPLOYER_HOUSING_FUND = "employer_housing_fund"  # Housing Fund Regulations Art. 18 (not a social insurance)
    FUND_BENEFITS = "fund_benefits"  # Regulations Arts. 30, 34–37, 39
    DEPENDANTS_PENSIONS = "dependants_pensions"  # fund, monthly after a death, capped in all (Art. 39 ¶1(2))
    EMPLOYER_ALLOWANCES = "employer_allowances"  # grade 5–6 allowance, employment subsidy (Arts. 36–37)
    PERSONAL_WITHHELD = "personal_withheld"
    PERSONAL_DEDUCTED = "personal_deducted"
    PERSONAL_OUTSTANDING = "personal_outstanding"


EMPLOYER_COST = (Category.SUSPENSION_WAGES, Category.EMPLOYER_SOCIAL_INSURANCE, Category.EMPLOYER_HOUSING_FUND,
                 Category.EMPLOYER_ALLOWANCES)


@dataclass(frozen=True)
class CostLine:
    case_id: int
    department: str
    month: date  # the first day of the month
    category: Category
    amount: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("amount must be a Decimal")
        if self.month.day != 1:
            raise ValueError("month must be the first day of a month")


Table = dict[Hashable, dict[Category, Decimal]]


def _group(lines: Iterable[CostLine], key: Callable[[CostLine], Hashable]) -> Table:
    table: dict[Hashable, dict[Category, Decimal]] = defaultdict(lambda: {c: ZERO for c in Category})
    for line in lines:
        row = table[key(line)]
        row[line.category] = (row[line.category] + line.amount).quantize(Decimal("0.01"))
    return dict(sorted(table.items(), key=lambda item: str(item[0])))


def by_month(lines: Iterable[CostLine]) -> Table:
    return _group(lines, lambda line: line.month)


def by_department(lines: Iterable[CostLine]) -> Table:
    return _group(lines, lambda line: line.department)


def by_case(lines: Iterable[CostLine]) -> Table:
    return _group(lines, lambda line: line.case_id)


def totals(lines: Iterable[CostLine]) -> dict[Category, Decimal]:
    grouped = _group(lines, lambda line: "all")
    return grouped.get("all", {c: ZERO for c in Category})


def employer_cost(row: dict[Category, Decimal]) -> Decimal:
    """What the injury cost the employer itself (the fund's and the worker's shares excluded)."""
    return sum((row[c] for c in EMPLOYER_COST), ZERO)
