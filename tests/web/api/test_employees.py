"""Employees and wages through the API: the form's rules, all or nothing, idempotency, ETags, cursors."""

from __future__ import annotations

import json

import sqlalchemy as sa

from portal.auth.models import AuditEntry
from portal.cases.models import WageMonth
from portal.extensions import db
from portal.org.models import Employee
from portal.org.rules import EmploymentStatus
from tests.web.api.conftest import write

PERSON = {"name": "周敏", "hire_date": "2026-05-04", "department": "MACH", "contract_type": "fixed_term",
          "email": "zhou@company-a.example"}


def test_upsert_by_number_creates_then_updates_then_changes_nothing(client, world, courses, make_token):
    hr = make_token("hr", "org:write", "org:read")
    created = write(client, "PUT", "/api/v1/employees/a0200", hr, PERSON, "k1")
    assert created.status_code == 200 and created.get_json() == {"created": 1, "updated": 0, "unchanged": 0}
    person = db.session.execute(sa.select(Employee).where(Employee.number == "A0200")).scalar_one()
    assert (person.name, person.department.code, person.email) == ("周敏", "MACH", "zhou@company-a.example")
    updated = write(client, "PUT", "/api/v1/employees/A0200", hr, {**PERSON, "department": "ASSY"}, "k2")
    assert updated.get_json() == {"created": 0, "updated": 1, "unchanged": 0}
    same = write(client, "PUT", "/api/v1/employees/A0200", hr, {**PERSON, "department": "ASSY"}, "k3")
    assert same.get_json() == {"created": 0, "updated": 0, "unchanged": 1}
    left = write(client, "POST", "/api/v1/employees/A0200/leave", hr, {"left_date": "2026-06-30"}, "k4")
    assert left.get_json() == {"created": 0, "updated": 1, "unchanged": 0}
    db.session.refresh(person)
    assert person.status is EmploymentStatus.LEFT and str(person.left_date) == "2026-06-30"
    audit = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "api_write")
                               .order_by(AuditEntry.id)).scalars().all()
    assert [(e.actor_user_id, json.loads(e.detail_json)["key"]) for e in audit] == [
        (world.user("hr").id, k) for k in ("k1", "k2", "k3", "k4")]


def test_errors_name_the_field_with_the_forms_message(client, world, make_token):
    hr = make_token("hr", "org:write")
    response = write(client, "PUT", "/api/v1/employees/A0201", hr,
                     {**PERSON, "phone": "call me", "status": "left"}, "k1")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert errors == {"phone": "只能使用数字、空格和短横线，例如 138 0000 0000。",
                      "left_date": "员工已离职，请填写离职日期。"}
    english = client.put("/api/v1/employees/A0201", json={**PERSON, "hire_date": "not a date"},
                         headers={**hr, "Idempotency-Key": "k2", "Accept-Language": "en"})
    assert english.status_code == 422
    assert english.get_json()["errors"][0]["field"] == "hire_date"
    assert db.session.execute(sa.select(Employee).where(Employee.number == "A0201")).first() is None


def test_one_bad_record_writes_nothing_and_names_the_field(client, world, courses, make_token):
    admin = make_token("admin", "org:write")
    people = [{"number": f"B{n:03d}", "name": "王", "hire_date": "2026-06-01", "department": "ASSY"} for n in range(5)]
    people[3]["hire_date"] = "2099-01-01"
    people[4]["department"] = "NOPE"
    response = write(client, "POST", "/api/v1/employees/bulk", admin, {"employees": people}, "bad-1")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert {e["field"] for e in response.get_json()["errors"]} == {"employees[3].hire_date", "employees[4].department"}
    assert db.session.execute(sa.select(Employee).where(Employee.number.like("B%"))).first() is None
    # The refused request did not use up the key: the corrected body goes through with it.
    people[3]["hire_date"] = "2026-06-01"
    people[4]["department"] = "ASSY"
    assert write(client, "POST", "/api/v1/employees/bulk", admin, {"employees": people}, "bad-1").status_code == 200
    assert db.session.execute(sa.select(sa.func.count()).select_from(Employee)
                              .where(Employee.number.like("B%"))).scalar_one() == 5


def test_a_key_reused_for_another_body_is_refused(client, world, make_token):
    hr = make_token("hr", "org:write")
    assert write(client, "PUT", "/api/v1/employees/A0202", hr, PERSON, "same").status_code == 200
    reused = write(client, "PUT", "/api/v1/employees/A0202", hr, {**PERSON, "name": "别人"}, "same")
    assert reused.status_code == 422
    assert reused.get_json()["errors"][0]["field"] == "Idempotency-Key"
    missing = client.put("/api/v1/employees/A0202", json=PERSON, headers=hr)
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert db.session.execute(sa.select(Employee.name).where(Employee.number == "A0202")).scalar_one() == "周敏"


def test_cursor_pages_and_etags(client, world, make_token):
    hr = make_token("hr", "org:read")
    numbers, cursor = [], None
    while True:
        page = client.get("/api/v1/employees", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=hr)
        assert page.status_code == 200
        numbers += [e["number"] for e in page.get_json()["items"]]
        cursor = page.get_json()["next_cursor"]
        if cursor is None:
            break
    assert numbers == ["E001", "E002", "H001", "M001", "M002"]
    first = client.get("/api/v1/employees/E001", headers=hr)
    etag = first.headers["ETag"]
    assert client.get("/api/v1/employees/E001", headers={**hr, "If-None-Match": etag}).status_code == 304
    world.worker.name = "李强强"
    db.session.commit()
    changed = client.get("/api/v1/employees/E001", headers={**hr, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["name"] == "李强强"
    bad = client.get("/api/v1/employees", query_string={"limit": "0", "colour": "red"}, headers=hr)
    assert bad.status_code == 422 and {e["field"] for e in bad.get_json()["errors"]} == {"colour"}
    bad = client.get("/api/v1/employees", query_string={"limit": "0"}, headers=hr)
    assert bad.status_code == 422 and {e["field"] for e in bad.get_json()["errors"]} == {"limit"}


def test_wage_months_in_bulk_all_or_nothing(client, world, make_token):
    hr = make_token("hr", "wages:write")
    months = [{"employee": "E001", "year": 2026, "month": m, "wage": "5200.00"} for m in (1, 2)]
    bad = write(client, "POST", "/api/v1/wage-months/bulk", hr,
                {"wage_months": [*months, {"employee": "E001", "year": 2026, "month": 13, "wage": "-1"}]}, "w1")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {"wage_months[2].month", "wage_months[2].wage"}
    assert db.session.execute(sa.select(WageMonth)).first() is None
    assert write(client, "POST", "/api/v1/wage-months/bulk", hr, {"wage_months": months}, "w2").get_json() == {"created": 2}
    again = write(client, "POST", "/api/v1/wage-months/bulk", hr, {"wage_months": months}, "w3")
    assert again.status_code == 422 and again.get_json()["errors"][0]["field"] == "wage_months[0].month"
    assert db.session.execute(sa.select(sa.func.count()).select_from(WageMonth)).scalar_one() == 2


def test_learning_records_filter_by_course_department_status_and_date(client, world, courses, make_token):
    from portal.demo.operations import walk_through_course
    from tests.conftest import assign_course

    done = assign_course(courses["injury-basics"], world.worker)
    receipt = walk_through_course(done, world.user("worker").id).receipt_number
    assign_course(courses["injury-basics"], world.outsider)
    assign_course(courses["suspension-pay"], world.worker)
    hr = make_token("hr", "learning:read")

    def keys(**query):
        page = client.get("/api/v1/course-assignments", query_string=query, headers=hr)
        assert page.status_code == 200
        return sorted((i["employee"], i["key"], i["status"]) for i in page.get_json()["items"])

    assert keys(course="injury-basics") == [("E001", "injury-basics", "acknowledged"),
                                            ("E002", "injury-basics", "not_started")]
    assert keys(department="MACH", status="not_started") == [("E001", "suspension-pay", "not_started")]
    assert keys(due_to="2000-01-01") == []
    manager = make_token("manager", "learning:read")
    seen = client.get("/api/v1/course-assignments", headers=manager).get_json()["items"]
    assert {i["employee"] for i in seen} == {"E001"}  # the manager's own department only
    receipts = client.get("/api/v1/employees/E001/receipts", headers=hr).get_json()["items"]
    assert [(r["number"], r["kind"], r["key"]) for r in receipts] == [(receipt, "course", "injury-basics")]


def test_departments_are_upserted_by_code_with_the_imports_rules(client, world, make_token):
    hr = make_token("hr", "org:write", "org:read")
    assert write(client, "PUT", "/api/v1/departments/qa", hr, {"name_zh": "质检部"}, "d1").get_json()["created"] == 1
    assert write(client, "PUT", "/api/v1/departments/QA", hr, {"name_zh": "质检部"}, "d2").get_json()["unchanged"] == 1
    renamed = write(client, "PUT", "/api/v1/departments/QA", hr, {"name_zh": "质量部", "name_en": "Quality"}, "d3")
    assert renamed.get_json()["updated"] == 1
    listed = client.get("/api/v1/departments", headers=hr).get_json()["items"]
    assert {"code": "QA", "name_zh": "质量部", "name_en": "Quality"} in listed
    too_long = write(client, "PUT", "/api/v1/departments/" + "X" * 21, hr, {"name_zh": "部门"}, "d4")
    assert too_long.status_code == 422 and too_long.get_json()["errors"][0]["field"] == "code"
