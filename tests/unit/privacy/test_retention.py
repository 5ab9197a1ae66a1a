"""The retention rule: when a departed employee's scans may go, counted as the Civil Code counts periods."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.privacy import retention

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
years = st.integers(min_value=retention.SCAN_YEARS_MIN, max_value=retention.SCAN_YEARS_MAX)


@pytest.mark.parametrize("left,scan_years,last_kept", [
    (date(2023, 5, 10), 3, date(2026, 5, 10)),
    (date(2020, 2, 29), 1, date(2021, 2, 28)),  # no 29 February: the month's last day (Art. 202)
    (date(2020, 2, 29), 4, date(2024, 2, 29)),
    (date(2025, 12, 31), 1, date(2026, 12, 31)),
])
def test_scans_are_kept_through_the_anniversary_and_due_the_day_after(left, scan_years, last_kept):
    assert retention.scans_kept_until(left, scan_years) == last_kept
    assert not retention.scan_purge_due(left, last_kept, scan_years)
    assert retention.scan_purge_due(left, last_kept + timedelta(days=1), scan_years)


def test_someone_who_has_not_left_is_never_due():
    assert not retention.scan_purge_due(None, date(2090, 1, 1), 1)


@pytest.mark.parametrize("scan_years,pack_days", [(0, 30), (31, 30), (3, 0), (3, 366), (-1, -1)])
def test_periods_outside_their_bounds_are_refused(scan_years, pack_days):
    with pytest.raises(ValueError):
        retention.Periods(scan_years, pack_days)


@given(left=days, today=days, scan_years=years)
def test_the_query_bound_says_exactly_what_the_rule_says(left, today, scan_years):
    assert (left < retention.departure_cutoff(today, scan_years)) == retention.scan_purge_due(left, today, scan_years)


@given(left=days, today=days, scan_years=years, later=st.integers(min_value=0, max_value=4000))
def test_once_due_always_due_and_never_within_the_years(left, today, scan_years, later):
    if retention.scan_purge_due(left, today, scan_years):
        assert retention.scan_purge_due(left, today + timedelta(days=later), scan_years)
    if today <= left + timedelta(days=365 * scan_years):
        assert not retention.scan_purge_due(left, today, scan_years)
