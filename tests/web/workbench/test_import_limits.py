"""A file past the import caps is refused whole, with a clear message, on both engines."""

from __future__ import annotations

from portal.cases.models import WageMonth
from portal.extensions import db
from portal.org.models import Department, Employee
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


def test_the_check_previews_new_renamed_and_updated_rows_before_anything_is_written(client, world):
    login(client, "hr")
    text = ("部门编码,部门名称,英文名称\n"
            "MACH,机加工一车间,Machining workshop\n"   # renamed
            "ASSY,装配车间,Assembly hall\n"             # updated (English name only)
            "WELD,焊接车间,Welding\n")                  # new
    body, body_type = multipart({"csrf_token": csrf_token(client), "kind": "departments", "mode": "preview"},
                                "upload", "departments.csv", text.encode(), "text/csv")
    page = client.post("/workbench/import", data=body, content_type=body_type).get_data(as_text=True)
    assert "1 个新增，1 个改名，1 个更新，0 个未变" in page
    assert "机加工车间 → 机加工一车间" in page and "新增: 焊接车间" in page
    assert db.session.query(Department).count() == 2


def test_an_old_excel_workbook_renamed_xlsx_gets_a_message_saying_what_to_do(client, world):
    login(client, "hr")
    body, body_type = multipart({"csrf_token": csrf_token(client), "kind": "employees", "mode": "commit"}, "upload",
                                "员工.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    response = client.post("/workbench/import", data=body, content_type=body_type)
    assert response.status_code == 422
    assert "Excel 97–2003" in response.get_data(as_text=True)
    assert db.session.query(Employee).count() == 5
