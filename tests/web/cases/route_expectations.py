"""Who may use each injury-case route (merged into tests/web/test_route_matrix.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal import PROJECT_ROOT
from portal.cases import operations
from portal.cases.models import CASE_FIELDS
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices.operations import notice_by_key, sync_scenario_notices
from tests.web.route_roles import HR_ONLY, HR_POST, LOGIN, ROLES, Expectation

# Managers read their own department's cases; HR and admin every case.
CASE_READERS: Expectation = {**HR_ONLY, "manager": 200}

# {case} is the machining worker's case, {action} its pending stop-pay action.
CASE_EXPECTED: dict[str, tuple[str, str, dict[str, str], Expectation]] = {
    "cases.mine": ("GET", "/my-case/", {}, {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN, "admin": 404}),
    "cases_admin.index": ("GET", "/records/cases/", {}, {**HR_ONLY, "manager": 200, "other.manager": 200}),
    "cases_admin.create": ("GET", "/records/cases/new", {}, HR_ONLY),
    "cases_admin.detail": ("GET", "/records/cases/{case}", {}, CASE_READERS),
    "cases_admin.update": ("GET", "/records/cases/{case}/edit", {}, HR_ONLY),
    "cases_admin.add_wage": ("POST", "/records/cases/{case}/wages", {"year": "2026", "month": "3", "wage": "5000"},
                             HR_POST),
    "cases_admin.add_wage_table": ("POST", "/records/cases/{case}/wages/table",
                                   {"month-0": "2025-03", "wage-0": "5100"}, HR_POST),
    "cases_admin.correct_wage": ("POST", "/records/cases/{case}/wages/{wage}", {"wage": "5300", "reason": "typo"},
                                 HR_POST),
    "cases_admin.delete_wage": ("POST", "/records/cases/{case}/wages/{wage}/delete", {"reason": "entered twice"},
                                HR_POST),
    "cases_admin.confirm_action": ("POST", "/records/cases/{case}/actions/{action}/confirm", {}, HR_POST),
    "cases_admin.add_entry": (
        "POST", "/records/cases/{case}/account/entries",
        {"kind": "withheld", "amount": "546.00", "on_date": "2026-03-31", "period": "2026-03"}, HR_POST,
    ),
    "cases_admin.record_owed": ("POST", "/records/cases/{case}/account/owed", {}, HR_POST),
    "cases_admin.deduction_plan": (
        "POST", "/records/cases/{case}/account/plan", {"instalments": "3", "first_date": "2026-09-25", "token": "matrix-plan"},
        HR_POST,
    ),
    # The matrix case is not a death case: HR passes the check and is told to record the death first.
    "cases_admin.add_dependant": ("POST", "/records/cases/{case}/dependants",
                                  {"name": "王芳", "relation": "spouse", "condition": "unable_to_work"},
                                  {**HR_ONLY, "hr": 422, "admin": 422}),
    "cases_admin.remove_dependant": ("POST", "/records/cases/{case}/dependants/1/remove", {"reason": "entered twice"},
                                     HR_POST),
    "cases_admin.policy": ("GET", "/records/cases/policy", {}, HR_ONLY),
    "cases_admin.holidays": ("POST", "/records/cases/holidays",
                             {"day": "2027-10-01", "working": "holiday", "name": "National Day"}, HR_POST),
}


def prepare_cases(world) -> dict[str, str]:
    """The worker's case, assessed at grade 9 with a pending stop-pay action and the share owed."""
    if notice_by_key("injury-process-guide") is None:
        sync_scenario_notices(PROJECT_ROOT / "notices", SYSTEM)
    operations.ensure_demo_policy(SYSTEM)
    wages = [operations.add_wage(world.worker, 2026, month, Decimal("5200"), None, SYSTEM) for month in (1, 2)]
    values = {**dict.fromkeys(CASE_FIELDS), "accident_date": date(2026, 3, 2), "description": "",
              "suspension_start": date(2026, 3, 2), "suspension_months": 6,
              "assessment_applied_date": date(2026, 8, 10), "assessment_concluded_date": date(2026, 9, 10),
              "grade": 9}
    case = operations.open_case(world.worker, values, None, SYSTEM)
    operations.record_owed_for_suspension(case, None, SYSTEM)
    db.session.commit()
    return {"case": str(case.id), "action": str(case.pending_actions[0].id), "wage": str(wages[0].id)}
