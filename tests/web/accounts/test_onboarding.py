"""Onboarding from every entry point: the form opens an account and assigns the courses, a contract
change brings what the new contract needs, leaving deactivates the account (form and import)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.accounts import operations as accounts
from portal.core.types import local_today
from portal.courses.models import Assignment
from portal.evidence.ledger import SYSTEM, ContentRef
from portal.evidence.operations import PaperReceiptData, record_paper_receipt
from portal.extensions import db
from portal.notices.operations import push_notice, save_notice
from portal.org.models import Employee
from portal.org.operations import EmployeeData, save_employee
from portal.org.rules import ContractType, EmploymentStatus
from portal.workbench import importing
from portal.workbench import operations as workbench
from portal.workbench.models import RiskAlert
from tests.conftest import assign_course, login

ONBOARDING = {"injury-basics", "social-insurance-shares"}
SHORT_TENURE = "short-tenure"


def _data(employee: Employee, **changes) -> EmployeeData:
    values = {name: getattr(employee, name) for name in EmployeeData.__dataclass_fields__}
    return EmployeeData(**{**values, **changes})


def test_the_form_opens_an_account_and_a_short_term_contract_brings_the_short_tenure_course(app, world, courses):
    employee = save_employee(EmployeeData("N001", "新员工", date(2026, 1, 5), world.machining.id, ContractType.REGULAR,
                                          "n001@company-a.example", None, "zh_CN", EmploymentStatus.ACTIVE, None),
                             None, world.user("hr").id, SYSTEM)
    account = accounts.account_of(employee)
    assert account is not None and account.username == "n001" and not account.password_set
    slugs = lambda: {a.course.slug for a in db.session.query(Assignment).filter_by(employee_id=employee.id)}  # noqa: E731
    assert slugs() == ONBOARDING
    save_employee(_data(employee, contract_type=ContractType.SHORT_TERM), employee, world.user("hr").id, SYSTEM)
    assert slugs() == ONBOARDING | {SHORT_TENURE}


@pytest.mark.parametrize("entry", ["form", "import"])
def test_leaving_the_company_deactivates_the_account_from_every_entry_point(client, world, entry):
    login(client, "worker")
    worker = world.worker
    if entry == "form":
        save_employee(_data(worker, status=EmploymentStatus.LEFT, left_date=date(2026, 11, 1)), worker,
                      world.user("hr").id, SYSTEM)
    else:
        table = [["number", "name", "hire_date", "department", "contract_type", "status", "left_date"],
                 ["E001", "李强", "2024-03-01", "MACH", "regular", "left", "2026-11-01"]]
        workbench.commit_import(workbench.preview(importing.Kind.EMPLOYEES, table, local_today()), None, SYSTEM)
        db.session.commit()
    assert not world.user("worker").is_enabled
    assert client.get("/").status_code == 302  # signed out at once
    assert login(client, "worker").status_code == 422


def test_a_paper_receipt_completes_the_overdue_course_and_resolves_its_alert(app, world, courses):
    assignment = assign_course(courses["injury-basics"], world.worker)
    assignment.due_date = local_today() - timedelta(days=5)
    db.session.commit()
    workbench.scan(local_today())
    alert = db.session.query(RiskAlert).filter_by(code="acknowledgement_overdue", subject_id=assignment.id).one()
    version = assignment.course.versions[-1]
    record_paper_receipt(PaperReceiptData(
        employee_id=world.worker.id, content=ContentRef("course", "injury-basics", version.number, version.sha256),
        signed_on=local_today(), note="在车间当面签字，本人确认已阅读", scan_filename="receipt.png",
        scan_mimetype="image/png", scan=b"\x89PNG scan"), world.user("hr").id, SYSTEM)
    db.session.refresh(assignment)
    db.session.refresh(alert)
    assert assignment.acknowledged_at is not None
    assert (alert.status, alert.resolved_by_id) == ("resolved", world.user("hr").id)
    assert workbench.scan(local_today()).new == 0  # the next scan does not raise it again


def test_a_paper_receipt_completes_the_overdue_notice_and_resolves_its_alert(app, world):
    version, _ = save_notice(None, {"zh_CN": "工伤报告须知"}, {"zh_CN": "受伤后立即报告主管。"}, world.user("hr").id, SYSTEM)
    (delivery,) = push_notice(version, [world.worker], local_today() - timedelta(days=3), world.user("hr").id, SYSTEM)
    db.session.commit()
    workbench.scan(local_today())
    alert = db.session.query(RiskAlert).filter_by(code="acknowledgement_overdue", subject_id=delivery.id).one()
    record_paper_receipt(PaperReceiptData(
        employee_id=world.worker.id, content=ContentRef("notice", str(version.notice_id), version.number, version.sha256),
        signed_on=local_today(), note="车间当面签收", scan_filename="receipt.pdf", scan_mimetype="application/pdf",
        scan=b"%PDF-1.4 scan"), world.user("hr").id, SYSTEM)
    db.session.refresh(delivery)
    db.session.refresh(alert)
    assert delivery.acknowledged_at is not None and alert.status == "resolved"
