"""Long lists are read by keyset: following the pager's links visits every row exactly once, in the
order of the chosen column (ties, NULLs and both directions included), deep pages cost what the
first costs and carry no OFFSET, a typed page number skips at most half the list, and a damaged cursor shows a page instead of an error. Both engines."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from portal.core.listing import paginate, sort_keys
from portal.core.paging import LAST, Sort
from portal.extensions import db
from portal.org.models import Employee
from portal.org.rules import ContractType
from tests.conftest import counted_statements, login

ROWS = {"HX-Request": "true", "HX-Target": "employee-rows"}
COLUMNS = {"name": Employee.name, "left": Employee.left_date, "phone": Employee.phone, "hire": Employee.hire_date}


def _staff(world, count: int) -> None:
    """Names, dates and phones that repeat, some of them NULL, so only the id breaks ties."""
    for n in range(count):
        db.session.add(Employee(
            number=f"K{n:04d}", name=f"员工{n % 7}", hire_date=date(2025, 1, 1) + timedelta(days=n % 5),
            left_date=None if n % 3 else date(2026, 1, 1) + timedelta(days=n % 4),
            phone=None if n % 4 == 0 else f"1390000{n % 6:04d}", department=world.assembly,
            contract_type=ContractType.REGULAR, preferred_locale="zh_CN"))
    db.session.commit()


def _in_full_order(sort: Sort, nulls_low: bool = False) -> list[int]:
    """Python's idea of the order: the column (NULLs last whichever the direction, or ``nulls_low``:
    first ascending, last descending), then the id."""
    rows = db.session.execute(sa.select(Employee.id, COLUMNS[sort.key])).all()
    present = sorted((r for r in rows if r[1] is not None), key=lambda r: (r[1], r[0]), reverse=sort.descending)
    absent = sorted((r for r in rows if r[1] is None), key=lambda r: r[0], reverse=sort.descending)
    return [r[0] for r in (absent + present if nulls_low and not sort.descending else present + absent)]


@pytest.mark.parametrize("sort, nulls_low", [
    *((Sort(key, descending), False) for key in COLUMNS for descending in (False, True)),
    (Sort("left"), True), (Sort("left", True), True),
], ids=lambda v: v.param if isinstance(v, Sort) else ("nulls-low" if v else ""))
def test_next_and_previous_links_walk_every_row_once_in_order(app, world, sort, nulls_low):
    _staff(world, 47)
    stmt = sa.select(Employee)
    ordering = sort_keys(sort, COLUMNS, Employee.id, [sort.key] if nulls_low else [])
    expected = _in_full_order(sort, nulls_low)

    forward, at, number = [], "", 1
    while True:
        rows, page = paginate(db.session, stmt, number, 6, ordering, at)
        assert page.number == number and page.total == len(expected)
        forward.append([e.id for e in rows])
        if number == page.pages:
            break
        at, number = page.next_at, number + 1
    assert [i for chunk in forward for i in chunk] == expected

    backward, at = [], LAST
    while True:
        rows, page = paginate(db.session, stmt, number, 6, ordering, at)
        backward.insert(0, [e.id for e in rows])
        if number == 1:
            break
        at, number = page.previous_at, number - 1
    assert backward == forward


def test_deep_pages_cost_what_the_first_costs_and_skip_nothing_by_offset(client, world):
    _staff(world, 130)
    login(client, "hr")
    client.get("/employees?status=&sort=-hire_date", headers=ROWS)  # warm caches (the menu, the bell)
    with counted_statements() as first:
        body = client.get("/employees?status=&sort=-hire_date", headers=ROWS).get_data(as_text=True)
    seen = set(re.findall(r"K\d{4}", body))
    assert "page=3&amp;at=last" in body  # the last page is read backwards from the end
    for _ in range(2):
        link = re.search(r'href="([^"]+)" rel="next"', body).group(1).replace("&amp;", "&")
        assert "at=after." in link
        with counted_statements() as deeper, _offsets() as skipped:
            body = client.get(link, headers=ROWS).get_data(as_text=True)
        if "第 51–100 条" in body:  # the last page also shows the signed-in user's own row, which she loads anyway
            assert len(deeper) == len(first)
        assert skipped == [] or set(skipped) == {0}, skipped
        seen |= set(re.findall(r"K\d{4}", body))
    assert "第 101–" in body and len(seen) == 130  # the demo staff shares the last page


@pytest.mark.parametrize("sort", [Sort("left"), Sort("left", True)], ids=lambda s: s.param)
def test_a_typed_page_number_shows_its_rows_and_skips_at_most_half_the_list(app, world, sort):
    _staff(world, 47)
    ordering = sort_keys(sort, COLUMNS, Employee.id)
    expected = _in_full_order(sort)
    pages = -(-len(expected) // 6)
    for number in range(1, pages + 2):  # one past the last shows the last
        with _offsets() as skipped:
            rows, page = paginate(db.session, sa.select(Employee), number, 6, ordering)
        start = (min(number, pages) - 1) * 6
        assert [e.id for e in rows] == expected[start:start + 6], number
        assert all(offset * 2 <= len(expected) for offset in skipped), (number, skipped)


@contextmanager
def _offsets() -> Iterator[list[int]]:
    """The OFFSET of every statement inside the block (SQLite's compiler writes one, 0, with any LIMIT)."""
    found: list[int] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        placeholder = re.search(r"OFFSET (\?|%\((\w+)\)s)", statement)
        if placeholder:
            found.append(parameters[placeholder.group(2)] if placeholder.group(2) else parameters[-1])

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


@pytest.mark.parametrize("cursor", [
    "after." + base64.urlsafe_b64encode(json.dumps([1, "not a date", 3]).encode()).decode(),
    "after." + base64.urlsafe_b64encode(json.dumps([[1], {"x": 1}]).encode()).decode(),
    "before.%%%", "after.", "sideways.e30", LAST + "x",
])
def test_a_damaged_cursor_shows_a_page_not_an_error(client, world, cursor):
    _staff(world, 60)
    login(client, "hr")
    response = client.get("/employees", query_string={"sort": "hire_date", "page": 2, "at": cursor}, headers=ROWS)
    assert response.status_code == 200
    assert "第 51–" in response.get_data(as_text=True)
