"""Keyset cursors survive the round trip through a link, and anything else in ``at`` reads as none;
the pager links the neighbours and the last page by cursor."""

from __future__ import annotations

from dataclasses import replace
from datetime import timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from portal.core.listing import decode_cursor, encode_cursor
from portal.core.paging import LAST, page_of

values = st.one_of(st.none(), st.integers(), st.text(max_size=30), st.booleans(), st.dates(),
                   st.datetimes(timezones=st.just(timezone.utc)),
                   st.decimals(allow_nan=False, allow_infinity=False, places=2).map(Decimal))


@given(st.sampled_from(["after", "before"]), st.lists(values, min_size=1, max_size=4))
def test_a_cursor_gives_back_its_direction_and_values(direction, keys):
    assert decode_cursor(encode_cursor(direction, keys)) == (direction, keys)


@given(st.text(max_size=60))
def test_anything_else_is_no_cursor_or_a_list_of_plain_values(at):
    direction, keys = decode_cursor(at)
    assert direction in (None, "after", "before")
    assert direction is not None or keys == []


@given(st.integers(1, 40), st.integers(0, 2000))
def test_the_pager_links_neighbours_by_cursor_and_the_last_page_from_the_end(number, total):
    page = replace(page_of(number, total, 50), previous_at="before.x", next_at="after.y")
    number = page.number
    for n in page.window():
        if n is None or n == number:
            continue
        expected = {number - 1: "before.x", number + 1: "after.y"}.get(n, LAST if n == page.pages else None)
        assert page.cursor_to(n) == expected
        assert n in (1, number - 1, number + 1, page.pages)


@given(st.integers(1, 400), st.integers(1, 1000), st.booleans(), st.integers(1, 50))
def test_a_page_of_more_rows_than_counted_links_its_neighbours_only(number, counted, ahead, shown):
    """Beyond what a search counts there is no known last page: the page is never clamped to the
    count, links no page past the next one, never the last, and says which rows it shows."""
    page = replace(page_of(number, counted, 50, more=True), previous_at="before.x",
                   next_at="after.y" if ahead else None, shown=shown)
    assert page.number == number and page.pages == number + ahead
    assert [n for n in page.window() if n is not None and n > number] == ([number + 1] if ahead else [])
    assert all(page.cursor_to(n) != LAST for n in page.window() if n is not None)
    assert (page.first_row, page.last_row) == ((number - 1) * 50 + 1, (number - 1) * 50 + shown)


@given(st.integers(1, 400), st.integers(1, 1000), st.booleans(), st.integers(1, 50))
def test_a_page_beyond_the_count_states_a_total_that_holds(number, counted, ahead, shown):
    """"More than" a number the rows shown do not pass already, or the exact total on the last page."""
    page = replace(page_of(number, counted, 50, more=True), next_at="after.y" if ahead else None, shown=shown)
    told, more_than = page.told_total
    if ahead:  # a row follows this page's last
        assert more_than and told == max(counted, page.last_row)
    elif page.last_row > counted:  # the list ends on this page, beyond the count
        assert (told, more_than) == (page.last_row, False)
    else:
        assert (told, more_than) == (counted, True)
    assert replace(page, more=False).told_total == (counted, False)
