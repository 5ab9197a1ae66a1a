"""HR and manager views of course records: matrix, filters, counts, CSV, drill-down, assigning."""

from __future__ import annotations

import csv
import io
import re

import pytest

from portal.courses.models import Assignment
from portal.demo.operations import walk_through_course
from portal.extensions import db
from tests.conftest import assign_course, counted_statements, login, post_form

SLUG = "injury-basics"
MATRIX = {"HX-Request": "true", "HX-Target": "course-matrix"}


@pytest.fixture
def records(world, courses):
    """Worker acknowledged; outsider assigned but not started."""
    receipt = walk_through_course(assign_course(courses[SLUG], world.worker), world.user("worker").id)
    assign_course(courses[SLUG], world.outsider)
    return receipt


def test_hr_sees_everyone_with_statuses_and_completion(client, world, records):
    login(client, "hr")
    body = client.get(f"/records/courses/{SLUG}").get_data(as_text=True)
    assert "李强" in body and "陈晓雨" in body
    assert "已确认 50%" in body


def test_manager_sees_only_their_department(client, world, records):
    login(client, "manager")
    body = client.get(f"/records/courses/{SLUG}").get_data(as_text=True)
    assert "李强" in body and "陈晓雨" not in body
    assert "已确认 100%" in body


@pytest.mark.parametrize("query,present,absent", [
    ("status=acknowledged", "李强", "陈晓雨"),
    ("status=not_started", "陈晓雨", "李强"),
    ("q=E002", "陈晓雨", "李强"),
    ("contract=short_term", "", "李强"),
])
def test_filters(client, world, records, query, present, absent):
    login(client, "hr")
    body = client.get(f"/records/courses/{SLUG}?{query}", headers=MATRIX).get_data(as_text=True)
    assert present in body and absent not in body


def test_matrix_page_and_fragment(client, world, records):
    login(client, "hr")
    page = client.get(f"/records/courses/{SLUG}?q=李")
    fragment = client.get(f"/records/courses/{SLUG}?q=李", headers=MATRIX)
    assert "<html" in page.get_data(as_text=True)
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="course-matrix"')
    assert "HX-Request" in fragment.headers["Vary"]


def test_matrix_fragment_skips_what_only_the_page_shows(client, world, records):
    login(client, "hr")
    page = client.get(f"/records/courses/{SLUG}").get_data(as_text=True)
    assert f'<option value="{world.assembly.id}"' in page  # the department filter and the assign form
    with counted_statements() as statements:
        fragment = client.get(f"/records/courses/{SLUG}", headers=MATRIX).get_data(as_text=True)
    assert "李强" in fragment and "FROM departments" not in " ".join(statements).replace("\n", " ")


def test_overdue_when_due_date_passed(client, world, records):
    outsider = db.session.query(Assignment).filter_by(employee_id=world.outsider.id).one()
    outsider.due_date = outsider.due_date.replace(year=2020)
    db.session.commit()
    login(client, "hr")
    body = client.get(f"/records/courses/{SLUG}?status=overdue", headers=MATRIX).get_data(as_text=True)
    assert "陈晓雨" in body and "李强" not in body


def test_csv_export_matches_the_matrix(client, world, records):
    login(client, "hr")
    response = client.get(f"/records/courses/{SLUG}/export.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "工号"
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {"E001", "E002"}
    assert by_number["E001"][4] == "已确认" and by_number["E001"][12] == records.receipt_number
    assert by_number["E001"][11] == records.content_sha256
    assert by_number["E001"][2] == "机加工车间" and re.fullmatch(r"zh_CN v\d+", by_number["E001"][10])
    assert by_number["E002"][9:] == ["", "", "", ""]  # not acknowledged: no time, version, hash or receipt


def test_a_searched_matrix_exports_its_matches(client, world, records):
    login(client, "hr")
    response = client.get(f"/records/courses/{SLUG}/export.csv?q=李&sort=-name")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[:2] for row in rows[1:]] == [["E001", "李强"]]


def test_drill_down_shows_every_event_with_ip_and_hash(client, world, records):
    login(client, "hr")
    body = client.get(f"/records/courses/{SLUG}/employees/{world.worker.id}").get_data(as_text=True)
    for label in ("课程已分配", "已送达门户收件箱", "首次打开课程", "课时已打开", "课时已读完", "测验作答", "已确认"):
        assert label in body, label
    assert records.content_sha256 in body and records.event_hash in body
    assert "192.0.2.10" in body  # the origin address recorded for each event


def test_hr_assigns_by_number_and_department_once(client, world, courses):
    login(client, "hr")
    response = post_form(client, f"/records/courses/{SLUG}/assign",
                         {"employee_numbers": "E001, e002", "department": str(world.assembly.id)})
    assert response.status_code == 303
    assert db.session.query(Assignment).count() == 3  # E001, E002 and the assembly manager
    post_form(client, f"/records/courses/{SLUG}/assign", {"employee_numbers": "E001"})
    assert db.session.query(Assignment).count() == 3


def test_assigning_unknown_numbers_assigns_nothing(client, world, courses):
    login(client, "hr")
    response = post_form(client, f"/records/courses/{SLUG}/assign", {"employee_numbers": "E001 X999"},
                         follow_redirects=True)
    assert "X999" in response.get_data(as_text=True)
    assert db.session.query(Assignment).count() == 0


@pytest.mark.parametrize("filters", ["", "status=not_started", "department={assembly}&contract=regular", "q=员工1"])
def test_matrix_is_paged_and_its_queries_do_not_grow_under_any_filter(client, world, courses, records, filters):
    from portal.org.models import Employee
    from portal.core.kept import kept_parts
    from tests.conftest import counted_statements
    from tests.web.org.test_employees import add_staff

    def hire_and_assign(count: int, start: int) -> None:
        add_staff(world, count, start)
        for person in db.session.query(Employee).filter(Employee.number.like("S%"), Employee.id.not_in(
                db.session.query(Assignment.employee_id))):
            assign_course(courses[SLUG], person)

    url = f"/records/courses/{SLUG}?{filters.format(assembly=world.assembly.id)}"
    login(client, "hr")
    hire_and_assign(3, 100)
    kept_parts().clear()  # both views computed afresh (a first view reads the department names once)
    with counted_statements() as few:
        assert client.get(url, headers=MATRIX).status_code == 200
    hire_and_assign(120, 103)
    kept_parts().clear()
    with counted_statements() as many:
        body = client.get(url, headers=MATRIX).get_data(as_text=True)
    assert len(many) == len(few)
    assert "第 1–50 条，共" in body and body.count("<tr>") == 51
    ordered = client.get(f"{url}&sort=-number&page=2", headers=MATRIX).get_data(as_text=True)
    assert "第 51–" in ordered and 'aria-sort="descending"' in ordered


def test_hr_matrix_counts_read_the_tally_not_the_assignments(client, world, records):
    login(client, "hr")
    for filters in ("", f"?department={world.machining.id}"):
        with counted_statements() as statements:
            body = client.get(f"/records/courses/{SLUG}{filters}", headers=MATRIX).get_data(as_text=True)
        counting = [s for s in statements if "GROUP BY" in s]
        assert len(counting) == 1 and "course_status_counts" in counting[0], counting
        assert "course_assignments" not in counting[0] and "employees" not in counting[0], counting
    assert "李强" in body and "陈晓雨" not in body
