"""HR's list of what expires, a page at a time: walked by its Next links, the pages hold exactly the
acknowledgements a full reading finds (current assignments of courses with a validity period, each
employee's newest delivery of such a notice), soonest expiry first, around month ends, local
midnights, the window's last day and identical moments; a manager's list holds their department's.
Each page takes the same statements whatever the number of rows. Both engines."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from portal.core.types import SHANGHAI
from portal.courses.models import Assignment, Course
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.lifecycle import rules
from portal.lifecycle.operations import expiring_page
from portal.notices import rules as notice_rules
from portal.notices.models import NoticeDelivery
from portal.notices.operations import push_notice
from portal.org.models import Employee
from portal.org.rules import ContractType
from tests.conftest import assign_course, counted_statements, login
from tests.web.notices.conftest import version  # noqa: F401 (fixture)

TODAY, DAYS = date(2026, 1, 1), 90  # the window ends on 1 April 2026
UTC = timezone.utc
MOMENTS = [
    datetime(2025, 1, 28, 15, 59, 59, tzinfo=UTC),  # 28 January in Shanghai, a second before midnight
    datetime(2025, 1, 28, 16, 0, tzinfo=UTC),  # 29 January in Shanghai: 12 months on is 29 January
    datetime(2025, 1, 30, 2, 0, tzinfo=UTC),
    datetime(2025, 1, 30, 2, 0, tzinfo=UTC),  # the same moment again: the kind and the id decide
    datetime(2024, 2, 28, 17, 0, tzinfo=UTC),  # 29 February 2024: expires on 28 February 2025
    datetime(2025, 2, 27, 17, 0, tzinfo=UTC),  # 28 February 2025
    datetime(2025, 3, 31, 16, 0, tzinfo=UTC),  # 1 April 2025: a course expires on the window's last day
    datetime(2025, 4, 1, 15, 59, 59, tzinfo=UTC),  # still 1 April in Shanghai
    datetime(2025, 4, 1, 16, 0, tzinfo=UTC),  # 2 April: a course expires a day past the window
    datetime(2025, 8, 31, 16, 0, tzinfo=UTC),  # 1 September: a notice (6 months) expires on 1 March
    datetime(2025, 10, 5, 3, 0, tzinfo=UTC),  # a notice valid until April: past the window
]


def _local(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


@pytest.fixture
def acknowledged(world, courses, version):  # noqa: F811 (the notice fixture)
    """Fifteen people in two departments; each acknowledged the courses that have a validity period
    at chosen moments, and the notice (valid 6 months), some of them twice (only the newest
    delivery counts) or with the newest delivery not yet acknowledged."""
    chance = random.Random(20261130)
    people = [world.worker, world.outsider, world.manager, world.other_manager, world.hr]
    for n in range(10):
        department = world.machining if n % 2 else world.assembly
        people.append(Employee(number=f"X{n:03d}", name=f"员工X{n}", hire_date=date(2024, 1, 2), department=department,
                               contract_type=ContractType.REGULAR, preferred_locale="zh_CN"))
    db.session.add_all(people)
    db.session.flush()
    version.notice.validity_months = 6
    valid_courses = [c for c in courses.values() if c.validity_months]
    assert len(valid_courses) >= 2
    for person in people:
        for course in valid_courses:
            assign_course(course, person).acknowledged_at = chance.choice(MOMENTS)
        (first,) = push_notice(version, [person], notice_rules.due_date(date(2025, 1, 1)), None, SYSTEM)
        first.acknowledged_at = chance.choice(MOMENTS)
        if chance.random() < 0.4:
            (again,) = push_notice(version, [person], notice_rules.due_date(date(2025, 9, 1)), None, SYSTEM, cycle=2)
            again.acknowledged_at = chance.choice([None, *MOMENTS])
    db.session.commit()
    return world


def _expected(department_id: int | None = None) -> list[tuple]:
    """Every key a full reading finds, in the list's order."""
    keys = []
    for assignment, months in db.session.execute(
            sa.select(Assignment, Course.validity_months).join(Course)
            .where(Assignment.is_current.is_(True), Course.validity_months.is_not(None))):
        if assignment.acknowledged_at is not None:
            keys.append((rules.expires_on(_local(assignment.acknowledged_at), months), assignment.acknowledged_at,
                         "course", assignment.id, assignment.employee.department_id))
    newest: dict[tuple[int, int], NoticeDelivery] = {}
    for delivery in db.session.execute(sa.select(NoticeDelivery).order_by(NoticeDelivery.id)).scalars():
        newest[(delivery.version.notice_id, delivery.employee_id)] = delivery
    for delivery in newest.values():
        months = delivery.version.notice.validity_months
        if delivery.acknowledged_at is not None and months:
            keys.append((rules.expires_on(_local(delivery.acknowledged_at), months), delivery.acknowledged_at,
                         "notice", delivery.id, delivery.employee.department_id))
    listed = [key for key in keys if rules.validity(key[0], TODAY, DAYS) in (rules.Validity.EXPIRING,
                                                                          rules.Validity.EXPIRED)]
    return sorted(key[:4] for key in listed if department_id in (None, key[4]))


def _walked(employee_filter: sa.ColumnElement[bool], size: int) -> tuple[list[tuple], set[int]]:
    keys, totals, after = [], set(), None
    while True:
        page = expiring_page(TODAY, DAYS, employee_filter, after, size=size)
        keys += [row.key for row in page.rows]
        totals.add(page.total)
        assert len(page.rows) <= size
        if page.next_key is None:
            return keys, totals
        assert page.next_key == page.rows[-1].key
        after = page.next_key


@pytest.mark.parametrize("size", [1, 4, 50])
def test_the_pages_hold_exactly_what_a_full_reading_finds_in_its_order(acknowledged, size):
    expected = _expected()
    assert 20 < len(expected) < 15 * 4  # of 15 people × 3 courses and a notice: some past the window, some superseded
    assert {key[2] for key in expected} == {"course", "notice"}
    keys, totals = _walked(sa.true(), size)
    assert keys == expected and totals == {len(expected)}


def test_a_managers_pages_hold_their_department_only(acknowledged):
    machining = acknowledged.machining.id
    keys, totals = _walked(Employee.department_id == machining, 3)
    assert keys == _expected(machining) and totals == {len(keys)} and 0 < len(keys) < len(_expected())


def _rows_and_next(client, url: str) -> tuple[list[str], str | None]:
    body = client.get(url).get_data(as_text=True)
    rows = re.findall(r'<td data-label="工号">([^<]+)</td>', body)
    found = re.search(r'<a href="([^"]+)" rel="next"', body)
    return rows, found.group(1).replace("&amp;", "&") if found else None


def test_hr_follows_next_to_the_end_and_each_page_costs_the_same_statements(client, acknowledged, monkeypatch):
    monkeypatch.setattr("portal.lifecycle.routes.local_today", lambda: TODAY)
    monkeypatch.setattr("portal.lifecycle.operations.EXPIRING_PAGE", 5)
    login(client, "hr")
    url, seen, statements = f"/records/renewals/?days={DAYS}", [], set()
    while url:
        with counted_statements() as counted:
            rows, url = _rows_and_next(client, url)
        statements.add(len(counted))
        seen += rows
        assert len(rows) <= 5
    assert len(seen) == len(_expected()) and len(statements) == 1
    later = client.get(f"/records/renewals/?days={DAYS}&after=after.bm90IGEgY3Vyc29y").get_data(as_text=True)
    assert re.findall(r'<td data-label="工号">([^<]+)</td>', later) == seen[:5]  # a cursor not made here: page one
    second = client.get(_rows_and_next(client, f"/records/renewals/?days={DAYS}")[1]).get_data(as_text=True)
    assert ">第一页</a>" in second and 'rel="next"' in second
