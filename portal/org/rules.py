"""Organisation rules: pure Python, no Flask, so they test in microseconds."""

from __future__ import annotations

import enum
import re
from datetime import date

EMPLOYEE_NUMBER_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")


class ContractType(str, enum.Enum):
    REGULAR = "regular"
    FIXED_TERM = "fixed_term"
    SHORT_TERM = "short_term"  # short-term and probation contracts: the short-tenure rules apply to them


class EmploymentStatus(str, enum.Enum):
    ACTIVE = "active"
    LEFT = "left"


def normalise_employee_number(raw: str) -> str:
    return raw.strip().upper()


def is_valid_employee_number(number: str) -> bool:
    """Employee numbers are 2–20 characters of A–Z, 0–9 and dashes, as printed on badges."""
    return bool(EMPLOYEE_NUMBER_PATTERN.fullmatch(number))


def employment_date_errors(
    hire_date: date, left_date: date | None, status: EmploymentStatus, today: date
) -> dict[str, str]:
    """Field -> error code for impossible employment dates (empty when the dates are consistent)."""
    errors: dict[str, str] = {}
    if hire_date > today:
        errors["hire_date"] = "future"
    if status is EmploymentStatus.LEFT and left_date is None:
        errors["left_date"] = "required_when_left"
    if left_date is not None:
        if left_date < hire_date:
            errors["left_date"] = "before_hire"
        elif left_date > today:
            errors["left_date"] = "future"
    return errors


def months_of_service(hire_date: date, on: date) -> int:
    """Whole months from hire to ``on`` (a month counts once its same-numbered day is reached)."""
    months = (on.year - hire_date.year) * 12 + (on.month - hire_date.month)
    if on.day < hire_date.day:
        months -= 1
    return max(months, 0)
