"""Input bounds, in one place: what a number, an amount, a date or a record id may be.

Pure Python (no Flask): the forms, the URL converter, the importer and the query-string readers
all ask these functions, so every way into the portal refuses the same nonsense. A value out of
bounds raises ``OutOfBounds`` with a code the web layer words for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

MAX_ID = 2**31 - 1  # PostgreSQL ``integer``; SQLite would take up to 2**63 - 1
MAX_WHOLE = 2**31 - 1
MONEY_PLACES = Decimal("0.01")
MONEY_MAX = Decimal("9999999999.99")  # Numeric(12, 2), the column every amount is stored in
MAX_MONTHS = Decimal(120)  # months of wages in any one-time subsidy
MAX_NUMBER_TEXT = 40  # longer than any amount or rate a person types; parsing stops here


class OutOfBounds(ValueError):
    """``code`` is one of: not_a_number, not_finite, too_many_places, too_small, too_large, outside_window."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def decimal_in_bounds(text: str | Decimal, *, places: int = 2, minimum: Decimal = Decimal(0),
                      maximum: Decimal = MONEY_MAX) -> Decimal:
    """A finite decimal with at most ``places`` decimals, within ``[minimum, maximum]``.

    Accepts the thousands separators people type (``5,200.00``, ``5，200``).
    """
    if isinstance(text, Decimal):
        value = text
    else:
        cleaned = text.strip().replace(",", "").replace("，", "")
        if not cleaned or len(cleaned) > MAX_NUMBER_TEXT:
            raise OutOfBounds("not_a_number")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise OutOfBounds("not_a_number") from None
    if not value.is_finite():
        raise OutOfBounds("not_finite")
    if value.as_tuple().exponent < -places:  # type: ignore[operator]
        raise OutOfBounds("too_many_places")
    if value < minimum:
        raise OutOfBounds("too_small")
    if value > maximum:
        raise OutOfBounds("too_large")
    return value.quantize(Decimal(1).scaleb(-places))


def money(text: str | Decimal, minimum: Decimal = Decimal(0)) -> Decimal:
    """An amount in yuan: finite, two places, fits ``Numeric(12, 2)``."""
    return decimal_in_bounds(text, places=2, minimum=minimum, maximum=MONEY_MAX)


def whole_in_bounds(value: int, minimum: int = 0, maximum: int = MAX_WHOLE) -> int:
    if value < minimum:
        raise OutOfBounds("too_small")
    if value > maximum:
        raise OutOfBounds("too_large")
    return value


def positive_int(text: str | None) -> int | None:
    """A record id or page number from a query string or form value; ``None`` when it cannot be one
    (werkzeug's ``args.get(name, type=positive_int)`` then falls back to its default)."""
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


@dataclass(frozen=True)
class DateWindow:
    """The plausible dates for one kind of field, relative to today."""

    years_back: int
    years_ahead: int

    def limits(self, today: date) -> tuple[date, date]:
        return (_years_from(today, -self.years_back), _years_from(today, self.years_ahead))

    def check(self, value: date, today: date) -> date:
        earliest, latest = self.limits(today)
        if not earliest <= value <= latest:
            raise OutOfBounds("outside_window")
        return value


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# Facts about people and cases: a working life back, planned steps a little ahead.
EVENT_DATE = DateWindow(years_back=50, years_ahead=2)
# A regional policy's valid-from date, a deduction plan's first date, a due date: near the present.
POLICY_DATE = DateWindow(years_back=30, years_ahead=5)
PLAN_DATE = DateWindow(years_back=10, years_ahead=5)
# Due dates may lie far ahead (HR sets "by the end of the contract"); the push words past dates itself.
DUE_DATE = DateWindow(years_back=1, years_ahead=80)
SIGNED_DATE = DateWindow(years_back=50, years_ahead=80)  # the form words "in the future" itself

