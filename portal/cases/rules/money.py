"""Money, rates and the result every benefit rule returns.

Amounts are ``Decimal`` yuan quantized to fen (2 places) with ROUND_HALF_UP, the rounding of
Chinese payroll and of the social-insurance agencies' calculators. Floats are refused outright: a
benefit computed through binary floating point can be a fen off, and a fen off is a dispute.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from portal.cases.rules.citations import Citation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal(1)


def as_decimal(value: Any, name: str) -> Decimal:
    """``value`` as a finite Decimal; floats and booleans are refused (``name`` is the field in the error)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise TypeError(f"{name} must be a Decimal or an int, not {type(value).__name__} (floats lose fen)")
    try:
        number = Decimal(value)
    except ArithmeticError as exc:  # decimal.InvalidOperation for strings such as "abc"
        raise ValueError(f"{name} is not a number: {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"{name} must be a finite number (got {value})")
    return number


def quantize(amount: Decimal) -> Decimal:
    """Round to fen, half up (0.005 → 0.01)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def quantize_down(amount: Decimal) -> Decimal:
    """Round down to fen; used where a remainder must go to one last part (instalments, shares)."""
    return amount.quantize(CENT, rounding=ROUND_DOWN)


def yuan(value: Decimal | int | str, name: str) -> Decimal:
    """A non-negative amount in yuan, rounded to fen; ``name`` is the field named in the error."""
    number = as_decimal(value, name)
    if number < 0:
        raise ValueError(f"{name} must not be negative (got {value})")
    return quantize(number)


def rate(value: Decimal | int | str, name: str) -> Decimal:
    """A rate as a fraction between 0 and 1 (0.08 for 8%), kept exact."""
    number = as_decimal(value, name)
    if not 0 <= number <= 1:
        raise ValueError(f"{name} must be a fraction between 0 and 1 (got {value})")
    return number


def quantity(value: Decimal | int | str, name: str) -> Decimal:
    """A non-negative count of months or a multiple, kept exact."""
    number = as_decimal(value, name)
    if number < 0:
        raise ValueError(f"{name} must not be negative (got {value})")
    return number


def fmt(amount: Decimal) -> str:
    """Yuan for a sentence: 45450 → "45,450.00"."""
    return f"{amount:,.2f}"


def plain(amount: Decimal) -> str:
    """Yuan for machine-read inputs: 45450 → "45450.00"."""
    return f"{amount:.2f}"


def percent(fraction: Decimal) -> str:
    """0.7 → "70%", 0.005 → "0.5%"."""
    text = f"{fraction * 100:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def number(value: Decimal | int) -> str:
    """A month count or multiple without trailing zeros: Decimal("6.0") → "6"."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


class Payer(str, enum.Enum):
    """Who pays an amount (Regulations Arts. 30–39; Social Insurance Law Arts. 38–39)."""

    FUND = "fund"  # the work-injury insurance fund (工伤保险基金)
    EMPLOYER = "employer"  # the employing unit (用人单位)
    EMPLOYEE = "employee"  # the worker's own share (个人缴费部分)


class Frequency(str, enum.Enum):
    MONTHLY = "monthly"
    ONCE = "once"


@dataclass(frozen=True)
class BenefitResult:
    """One computed amount with everything needed to explain it.

    ``formula`` is the calculation in plain words with the numbers filled in; ``inputs`` are the
    same numbers as strings, keyed for the UI's translated sentence of ``code``.
    """

    code: str
    amount: Decimal
    payer: Payer
    frequency: Frequency
    formula: str
    inputs: dict[str, str]
    article_zh: str
    article_en: str
    notes: tuple[str, ...] = field(default=())

    @property
    def article(self) -> str:
        """Both citations, Chinese first: "《工伤保险条例》第三十五条 / Work Injury Insurance Regulations Art. 35"."""
        return f"{self.article_zh} / {self.article_en}"

    @property
    def explanation(self) -> str:
        """The formula followed by its source, one line."""
        return f"{self.formula} ({self.article_en})"


def result(
    code: str,
    amount: Decimal,
    payer: Payer,
    frequency: Frequency,
    formula: str,
    inputs: dict[str, str],
    citation: Citation,
    notes: tuple[str, ...] = (),
) -> BenefitResult:
    return BenefitResult(code, quantize(amount), payer, frequency, formula, dict(inputs), citation.zh, citation.en, notes)
