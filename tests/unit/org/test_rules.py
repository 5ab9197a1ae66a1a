"""Organisation rules, without Flask."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.org.rules import (
    EmploymentStatus,
    employment_date_errors,
    is_valid_employee_number,
    months_of_service,
    normalise_employee_number,
)
from portal.web.navigation import is_safe_next

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize("raw,valid", [("A0101", True), ("a0101", True), ("E-12", True), ("A", False),
                                       ("A 01", False), ("-A1", False), ("A" * 21, False), ("李强", False)])
def test_employee_numbers(raw, valid):
    assert is_valid_employee_number(normalise_employee_number(raw)) is valid


@pytest.mark.parametrize(
    "hire,left,status,errors",
    [
        (date(2025, 9, 1), None, EmploymentStatus.ACTIVE, {}),
        (date(2026, 11, 26), None, EmploymentStatus.ACTIVE, {"hire_date": "future"}),
        (date(2025, 9, 1), None, EmploymentStatus.LEFT, {"left_date": "required_when_left"}),
        (date(2025, 9, 1), date(2025, 8, 31), EmploymentStatus.LEFT, {"left_date": "before_hire"}),
        (date(2025, 9, 1), date(2026, 12, 1), EmploymentStatus.LEFT, {"left_date": "future"}),
        (date(2025, 9, 1), date(2025, 9, 1), EmploymentStatus.LEFT, {}),
    ],
)
def test_employment_dates(hire, left, status, errors):
    assert employment_date_errors(hire, left, status, TODAY) == errors


@pytest.mark.parametrize(
    "hire,on,months",
    [(date(2025, 9, 1), date(2026, 3, 1), 6), (date(2025, 9, 1), date(2026, 2, 28), 5),
     (date(2025, 1, 31), date(2025, 2, 28), 0), (date(2025, 9, 1), date(2025, 8, 1), 0)],
)
def test_months_of_service(hire, on, months):
    assert months_of_service(hire, on) == months


@given(st.dates(), st.dates())
def test_months_of_service_never_negative_and_monotonic(hire, on):
    months = months_of_service(hire, on)
    assert months >= 0
    if on >= hire:
        assert months <= months_of_service(hire, date.max if on.year < 9999 else on)


@pytest.mark.parametrize(
    "target,safe",
    [("/employees?q=1", True), ("/", True), (None, False), ("", False), ("https://evil.example", False),
     ("//evil.example", False), ("/\\evil.example", False), ("/ok\nLocation: x", False), ("employees", False)],
)
def test_safe_next(target, safe):
    assert is_safe_next(target) is safe
