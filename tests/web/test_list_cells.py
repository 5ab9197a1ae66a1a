"""The matrix, the deliveries and the employee list show in each cell what the rows' sources say.

Their rows are read as plain columns, not objects: each cell here is worked out again from the
objects (the employee, their department, the assignment or delivery and its acknowledgement),
in Chinese and in English."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale, gettext

from portal.courses import rules as course_rules
from portal.courses.models import Assignment
from portal.courses.presenters import status_labels
from portal.demo.operations import walk_through_course
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices import rules as notice_rules
from portal.notices.models import NoticeDelivery
from portal.notices.operations import acknowledge_notice, open_notice, push_notice, save_notice, shanghai_date
from portal.notices.presenters import STATUS_LABELS as NOTICE_LABELS
from portal.org.labels import CONTRACT_LABELS
from portal.org.models import Employee
from portal.web.templating import local_date, local_datetime
from tests.conftest import assign_course, login

SLUG = "injury-basics"


class _Cells(HTMLParser):
    """Each body row of the page's table as (data-label, text, link) per cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str, str | None]]] = []
        self._in_body = False
        self._cell: list | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self._cell = [dict(attrs)["data-label"], "", None]
        elif tag == "a" and self._cell is not None:
            self._cell[2] = dict(attrs)["href"]

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append((self._cell[0], self._cell[1].strip(), self._cell[2]))
            self._cell = None


def _shown(client, url: str, target: str) -> list[list[tuple[str, str, str | None]]]:
    """The rows of the fragment and of the whole page, which must agree."""
    pages = []
    for headers in ({}, {"HX-Request": "true", "HX-Target": target}):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        parser = _Cells()
        parser.feed(response.get_data(as_text=True))
        pages.append(parser.rows)
    assert pages[0] == pages[1]
    return pages[0]


def _in(app, locale: str):
    context = app.test_request_context()
    context.push()
    force = force_locale(locale)
    force.__enter__()
    return context, force


@pytest.fixture(params=["zh_CN", "en"])
def locale(request, world) -> str:
    world.hr.preferred_locale = request.param
    db.session.commit()
    return request.param


def _expect(app, locale: str, build) -> list[list[tuple[str, str, str | None]]]:
    context, force = _in(app, locale)
    try:
        return build()
    finally:
        force.__exit__(None, None, None)
        context.pop()


def test_matrix_cells_are_the_assignments_people_and_acknowledgements(app, client, world, courses, locale):
    course = courses[SLUG]
    course.validity_months = 12
    walk_through_course(assign_course(course, world.worker), world.user("worker").id)
    assign_course(course, world.outsider)
    db.session.commit()
    login(client, "hr")
    shown = _shown(client, f"/records/courses/{SLUG}?sort=-number", "course-matrix")
    today = shanghai_date()

    def build():
        labels = status_labels()
        rows = []
        assignments = db.session.execute(sa.select(Assignment).join(Employee, Employee.id == Assignment.employee_id)
                                         .where(Assignment.course_id == course.id, Assignment.is_current.is_(True))
                                         .order_by(Employee.number.desc())).scalars()
        for a in assignments:
            person = a.employee
            state = course_rules.status(opened=a.first_opened_at is not None, quiz_passed=a.quiz_passed_at is not None,
                                        acknowledged=a.acknowledged_at is not None, due=a.due_date, today=today)
            rows.append([
                (gettext("Number"), person.number, None),
                (gettext("Name"), person.name, url_for("course_records.employee", slug=SLUG, employee_id=person.id)),
                (gettext("Department"), person.department.name(locale), None),
                (gettext("Status"), str(labels[state]), None),
                (gettext("Due"), local_date(a.due_date), None),
                (gettext("Acknowledged"), local_datetime(a.acknowledged_at, "short") if a.acknowledged_at else "—", None),
                (gettext("Validity"), gettext("Valid") if a.acknowledged_at else "—", None),
            ])
        return rows

    expected = _expect(app, locale, build)
    assert len(expected) == 2 and shown == expected


def test_delivery_cells_are_the_deliveries_people_and_receipts(app, client, world, locale):
    hr = world.user("hr").id
    version, _created = save_notice(None, {"zh_CN": "安全须知", "en": "Safety"}, {"zh_CN": "遵守规程。", "en": "Obey."},
                                    hr, SYSTEM)
    today = shanghai_date()
    delivered = push_notice(version, [world.worker, world.outsider], notice_rules.due_date(today), hr, SYSTEM)
    worker = world.user("worker").id
    open_notice(delivered[0], "zh_CN", worker, SYSTEM)
    acknowledge_notice(delivered[0], world.worker.name, "zh_CN", worker, SYSTEM)
    db.session.commit()
    login(client, "hr")
    shown = _shown(client, f"/records/notices/{version.notice_id}?sort=name", "notice-deliveries")

    def build():
        rows = []
        for d in sorted((db.session.get(NoticeDelivery, d.id) for d in delivered), key=lambda d: d.employee.name):
            person, receipt = d.employee, d.acknowledgement
            state = notice_rules.status(opened=d.first_opened_at is not None, acknowledged=receipt is not None,
                                        due=d.due_date, today=today)
            rows.append([
                (gettext("Number"), person.number, None),
                (gettext("Name"), person.name, None),
                (gettext("Department"), person.department.name(locale), None),
                (gettext("Version"), str(d.version.number), None),
                (gettext("Status"), str(NOTICE_LABELS[state]), None),
                (gettext("Due"), local_date(d.due_date), None),
                (gettext("First opened"), local_datetime(d.first_opened_at, "short") if d.first_opened_at else "—", None),
                (gettext("Acknowledged"), receipt.receipt_number if receipt else "—",
                 url_for("notices.receipt", number=receipt.receipt_number) if receipt else None),
            ])
        return rows

    expected = _expect(app, locale, build)
    assert len(expected) == 2 and shown == expected


def test_employee_cells_are_the_employees_and_their_departments(app, client, world, locale):
    login(client, "hr")
    shown = _shown(client, "/employees?sort=name", "employee-rows")

    def build():
        return [[
            (gettext("Number"), person.number, None),
            (gettext("Name"), person.name, url_for("org.employee", employee_id=person.id)),
            (gettext("Department"), person.department.name(locale), None),
            (gettext("Contract type"), str(CONTRACT_LABELS[person.contract_type]), None),
            (gettext("Hire date"), local_date(person.hire_date), None),
        ] for person in db.session.execute(sa.select(Employee).order_by(Employee.name, Employee.id)).scalars()]

    expected = _expect(app, locale, build)
    assert len(expected) == 5 and shown == expected
