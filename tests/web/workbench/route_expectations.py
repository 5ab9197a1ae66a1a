"""Who may use each workbench and notification route (merged into tests/web/test_route_matrix.py)."""

from __future__ import annotations

from datetime import date

from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.workbench import operations
from portal.workbench.models import RiskAlert
from tests.web.cases.route_expectations import prepare_cases
from tests.web.route_roles import EVERYONE, HR_ONLY, HR_POST, MANAGERS_AND_HR, SELF_MANAGER_AND_HR, Expectation

ALERTS = MANAGERS_AND_HR  # managers see their departments' alerts; the alert is the machining worker's
ALERT_POST: Expectation = {**HR_POST, "manager": 303}
# A report of the machining worker: its reporter, their manager, HR and admin read it.
REPORT_READERS = SELF_MANAGER_AND_HR

WORKBENCH_EXPECTED: dict[str, tuple[str, str, dict[str, str], Expectation]] = {
    "workbench.index": ("GET", "/workbench/", {}, ALERTS),
    "workbench.acknowledge": ("POST", "/workbench/alerts/{alert}/acknowledge", {}, ALERT_POST),
    "workbench.resolve": ("POST", "/workbench/alerts/{alert}/resolve", {}, ALERT_POST),
    "workbench.alert_fix": ("GET", "/workbench/alerts/{ack_alert}/fix", {}, {**HR_ONLY, "manager": 200}),
    "workbench.alert_remind": ("POST", "/workbench/alerts/{ack_alert}/remind", {}, ALERT_POST),
    "workbench.alert_extend": ("POST", "/workbench/alerts/{ack_alert}/extend", {"due": "2099-01-01"}, ALERT_POST),
    "workbench.costs": ("GET", "/workbench/costs", {}, HR_ONLY),
    "workbench.costs_export": ("GET", "/workbench/costs.csv", {}, HR_ONLY),
    "workbench.reports": ("GET", "/workbench/reports/", {}, EVERYONE),
    "workbench.new_report": ("GET", "/workbench/reports/new", {}, {**EVERYONE, "admin": 404}),
    "workbench.report": ("GET", "/workbench/reports/{report}", {}, REPORT_READERS),
    # The report waits for the department review: only the worker's own manager (and admin) decide it.
    "workbench.decide": ("POST", "/workbench/reports/{report}/decide", {"step": "department_review", "decision": "approve"},
                         {**HR_ONLY, "worker": 403, "manager": 303, "hr": 403, "admin": 303}),
    "workbench.steps": ("GET", "/workbench/workflow", {}, HR_ONLY),
    "workbench.import_data": ("GET", "/workbench/import", {}, HR_ONLY),
    "workbench.import_template": ("GET", "/workbench/import/employees.csv", {}, HR_ONLY),
    "workbench.export": ("GET", "/workbench/export/accounts.xlsx", {}, HR_ONLY),
    "notifications.index": ("GET", "/notifications/", {}, EVERYONE),
    "notifications.bell": ("GET", "/notifications/bell", {}, EVERYONE),
}


def prepare_workbench(world) -> dict[str, str]:
    """The worker's case (with its alerts scanned) and an injury report waiting for the department review."""
    extra = prepare_cases(world)
    for delivery in db.session.query(NoticeDelivery).filter_by(employee_id=world.worker.id):
        delivery.due_date = date(2026, 11, 1)  # overdue, so an acknowledgement alert with its fix page exists
    operations.scan(date(2026, 11, 26))
    alert = db.session.query(RiskAlert).filter_by(employee_id=world.worker.id).order_by(RiskAlert.id).first()
    ack_alert = db.session.query(RiskAlert).filter_by(employee_id=world.worker.id, subject_kind="delivery").first()
    report = operations.file_report(world.worker, date(2026, 11, 20), "Workshop 2", "Cut hand on a press",
                                    world.user("worker").id, SYSTEM)
    db.session.commit()
    return {**extra, "alert": str(alert.id), "ack_alert": str(ack_alert.id), "report": str(report.id)}
