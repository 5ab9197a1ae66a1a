"""A file past the import caps is refused whole, with a clear message, on both engines."""

from __future__ import annotations

from portal.cases.models import WageMonth
from portal.extensions import db
from portal.org.models import Employee
from portal.org.rules import ContractType, EmploymentStatus
from tests.conftest import csrf_token, login, multipart


def test_a_100k_row_csv_is_refused_not_half_checked(client, world):
    login(client, "hr")
    text = "工号,年,月,缴费工资\n" + "E001,2025,1,5000\n" * 100_000
    body, body_type = multipart({"csrf_token": csrf_token(client), "kind": "wages", "mode": "commit"}, "upload",
                                "wages.csv", text.encode(), "text/csv")
    response = client.post("/workbench/import", data=body, content_type=body_type)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "超过 50,000 行" in body and "没有问题" not in body
    assert db.session.query(WageMonth).count() == 0


def test_hr_imports_with_department_names_and_the_portals_own_labels(client, world):
    login(client, "hr")
    text = ("工号,姓名,入职日期,部门,合同类型,状态,离职日期\n"
            "A0301,周敏,2025-03-01,机加工车间,Fixed-term,已离职,2026-01-31\n"
            "A0302,吴军,2025-03-01,Assembly workshop,Short-term or probation,Active,\n")
    body, body_type = multipart({"csrf_token": csrf_token(client), "kind": "employees", "mode": "commit"}, "upload",
                                "staff.csv", text.encode(), "text/csv")
    response = client.post("/workbench/import", data=body, content_type=body_type)
    assert response.status_code == 303, response.get_data(as_text=True)
    left = db.session.query(Employee).filter_by(number="A0301").one()
    assert left.department_id == world.machining.id and left.contract_type is ContractType.FIXED_TERM
    assert left.status is EmploymentStatus.LEFT
    assert db.session.query(Employee).filter_by(number="A0302").one().department_id == world.assembly.id


def test_an_employee_export_imports_back_unchanged(client, world):
    login(client, "hr")
    exported = client.get("/workbench/export/employees.xlsx").data
    body, body_type = multipart({"csrf_token": csrf_token(client), "kind": "employees", "mode": "commit"}, "upload",
                                "employees.xlsx", exported)
    response = client.post("/workbench/import", data=body, content_type=body_type)
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    assert db.session.query(Employee).count() == 5
    assert client.get("/workbench/export/employees.xlsx").data != b"" and \
        client.get("/workbench/export/employees.csv").get_data(as_text=True).lstrip("\ufeff").startswith("工号,姓名")
