"""An import looks up the stored records its file names, a batch at a time, not the whole table:
its check and its write give what they gave when they read everything, across the batches' edges.
Both engines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from portal.cases.models import WageMonth
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.org.models import Employee
from portal.org.rules import ContractType, EmploymentStatus
from portal.workbench import importing, operations
from tests.conftest import csrf_token, login, multipart

STORED = 1_200  # past two batches of LOOKUP_BATCH
EMPLOYEE_HEADER = "工号,姓名,入职日期,部门编码,合同类型,状态,离职日期\n"


def _store_employees(department_id: int) -> None:
    db.session.execute(sa.insert(Employee), [
        {"number": f"B{n:04d}", "name": f"员工{n}", "hire_date": date(2025, 1, 1), "department_id": department_id,
         "contract_type": ContractType.FIXED_TERM, "preferred_locale": "zh_CN", "status": EmploymentStatus.ACTIVE}
        for n in range(1, STORED + 1)])
    db.session.commit()


def _employee_line(n: int, name: str | None = None) -> str:
    return f"B{n:04d},{name or f'员工{n}'},2025-01-01,MACH,fixed_term,active,\n"


def test_a_check_compares_each_named_employee_with_the_stored_one_and_reads_no_other(app, world):
    _store_employees(world.machining.id)
    numbers = [*range(1, 1001), 1150]  # across the first two batches' edges, and one in the third
    text = EMPLOYEE_HEADER + "".join(_employee_line(n, "改名" if n == 501 else None) for n in numbers)
    text += "B9999,新员工,2025-01-01,MACH,fixed_term,active,\n"
    with app.test_request_context("/"):
        preview = operations.preview(importing.Kind.EMPLOYEES, importing.read_table(text.encode()), date(2026, 11, 20))
        assert preview.ok, preview.errors[:3]
        stored = operations.stored_records(preview)
        assert set(stored) == {(f"B{n:04d}",) for n in numbers}  # the file's stored employees, not all 1,205
        changes = importing.plan_changes(preview, stored)
    actions = {change.key: change.action for change in changes}
    assert actions["B0501"] == "rename" and actions["B9999"] == "create"
    assert [change.key for change in changes if change.action == "unchanged"] == [
        f"B{n:04d}" for n in numbers if n != 501]


def test_a_write_loads_the_employees_its_file_names_and_updates_them_by_number(app, world):
    _store_employees(world.machining.id)
    text = EMPLOYEE_HEADER + _employee_line(500, "王五百") + _employee_line(501, "王五百零一") + \
        "B9998,新员工,2025-01-01,MACH,fixed_term,active,\n"
    db.session.remove()
    loaded: list[str] = []

    def count(record: Employee, _context: object) -> None:
        loaded.append(record.number)

    sa.event.listen(Employee, "load", count)
    try:
        with app.test_request_context("/"):
            preview = operations.preview(importing.Kind.EMPLOYEES, importing.read_table(text.encode()),
                                         date(2026, 11, 20))
            done = operations.commit_import(preview, None, SYSTEM)
            db.session.commit()
    finally:
        sa.event.remove(Employee, "load", count)
    assert (done.created, done.updated) == (1, 2)
    assert {"B0500", "B0501"} <= set(loaded) and len(loaded) < 20  # and whom the changes were announced to
    names = dict(db.session.execute(sa.select(Employee.number, Employee.name)
                                    .where(Employee.number.in_(["B0500", "B0501", "B0502", "B9998"]))).all())
    assert names == {"B0500": "王五百", "B0501": "王五百零一", "B0502": "员工502", "B9998": "新员工"}


def test_wage_months_check_the_named_numbers_and_update_the_stored_months(client, world):
    _store_employees(world.machining.id)
    b0700 = db.session.execute(sa.select(Employee.id).where(Employee.number == "B0700")).scalar_one()
    db.session.add(WageMonth(employee_id=b0700, year=2026, month=1, wage=Decimal("4000.00")))
    db.session.commit()
    header = "工号,年,月,缴费工资\n"
    login(client, "hr")

    def send(text: str, mode: str):
        body, body_type = multipart({"csrf_token": csrf_token(client), "kind": "wages", "mode": mode}, "upload",
                                    "wages.csv", text.encode(), "text/csv")
        return client.post("/workbench/import", data=body, content_type=body_type)

    unknown = send(header + "".join(f"B{n:04d},2026,1,5000\n" for n in range(1, 1000)) + "Z9999,2026,1,5000\n",
                   "preview")
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 422 and page.count("Z9999") == 1 and "B0501" not in page
    written = send(header + "".join(f"B{n:04d},2026,1,5000\n" for n in range(1, 1001)), "commit")
    assert written.status_code == 303, written.get_data(as_text=True)[-1500:]
    wages = dict(db.session.execute(sa.select(Employee.number, WageMonth.wage).join(Employee)
                                    .where(WageMonth.year == 2026, WageMonth.month == 1)).all())
    assert len(wages) == 1000 and set(wages.values()) == {Decimal("5000.00")}
    assert db.session.query(WageMonth).filter_by(employee_id=b0700).count() == 1  # updated, not added
