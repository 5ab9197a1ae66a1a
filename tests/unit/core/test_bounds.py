"""Input bounds: unit cases for every reproduced junk value, and properties over any text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.core import bounds


@pytest.mark.parametrize("text,code", [
    ("sNaN", "not_finite"), ("NaN", "not_finite"), ("Infinity", "not_finite"), ("-Infinity", "not_finite"),
    ("1e309", "too_large"), ("1e20", "too_large"), ("1e15", "too_large"), ("10000000000", "too_large"),
    ("-1", "too_small"), ("1.001", "too_many_places"), ("abc", "not_a_number"), ("", "not_a_number"),
    ("9" * 41, "not_a_number"),
])
def test_money_refuses_junk(text, code):
    with pytest.raises(bounds.OutOfBounds) as refused:
        bounds.money(text)
    assert refused.value.code == code


def test_money_accepts_what_people_type():
    assert bounds.money("5,200") == Decimal("5200.00")
    assert bounds.money(" 5，200.5 ") == Decimal("5200.50")
    assert bounds.money("9999999999.99") == bounds.MONEY_MAX


@given(st.text(max_size=60))
def test_money_from_any_text_is_in_bounds_or_refused(text):
    try:
        value = bounds.money(text)
    except bounds.OutOfBounds:
        return
    assert value.is_finite() and Decimal(0) <= value <= bounds.MONEY_MAX
    assert value == value.quantize(Decimal("0.01"))


@given(st.text(max_size=30))
def test_positive_int_fits_an_id_column_or_is_none(text):
    value = bounds.positive_int(text)
    assert value is None or 1 <= value <= bounds.MAX_ID


@pytest.mark.parametrize("text", [str(2**31), str(2**63), "0", "-1", "١٢", "1e3", "00000000001"])
def test_positive_int_refuses_what_no_id_can_be(text):
    assert bounds.positive_int(text) is None


@given(st.dates())
def test_date_window_is_relative_to_today(day):
    today = date(2026, 11, 29)
    earliest, latest = bounds.POLICY_DATE.limits(today)
    try:
        bounds.POLICY_DATE.check(day, today)
    except bounds.OutOfBounds:
        assert day < earliest or day > latest
    else:
        assert earliest <= day <= latest


def test_policy_dates_of_year_one_and_9999_are_refused():
    for day in (date(1, 1, 1), date(9999, 12, 31)):
        with pytest.raises(bounds.OutOfBounds):
            bounds.POLICY_DATE.check(day, date(2026, 11, 29))
    assert bounds.EVENT_DATE.limits(date(2024, 2, 29)) == (date(1974, 2, 28), date(2026, 2, 28))
