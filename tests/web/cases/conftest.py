"""Case fixtures: the scenario notices, the demo regional policy, six months of the worker's wages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import PROJECT_ROOT
from portal.cases import operations
from portal.cases.models import CASE_FIELDS, InjuryCase
from portal.evidence.ledger import SYSTEM
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.notices.content import load_notices
from portal.notices.operations import sync_scenario_notices

WAGES = ((2025, 9, "5100.00"), (2025, 10, "5250.00"), (2025, 11, "5180.00"), (2025, 12, "5300.00"),
         (2026, 1, "5220.00"), (2026, 2, "5150.00"))
# The regional policy form as HR fills it in for the demo region (every field valid).
POLICY_FORM = {
    "region": "苏州市 (Suzhou, Jiangsu) — DEMO", "valid_from": "2026-07-01", "source": "苏州市人社局",
    "average_monthly_wage": "8600", "minimum_monthly_wage": "2690", "national_disposable_income": "56000",
    "contribution_base_floor": "5160", "contribution_base_ceiling": "25800", "pension_employer": "0.16",
    "pension_personal": "0.08", "medical_employer": "0.07", "medical_personal": "0.02",
    "unemployment_employer": "0.005", "unemployment_personal": "0.005", "work_injury_employer": "0.009",
    "housing_fund_employer_rate": "0.05", "housing_fund_personal_rate": "0.05",
    "medical_subsidy_months": "16,14,12,10,8,6", "employment_subsidy_months": "30,25,20,15,10,5",
    "personal_share_handling": "instalments", "personal_share_instalments": "3", "pay_stop_rule": "day_after",
    "own_wage_rule": "months_worked", "first_month_rule": "contract_wage", "personal_share_includes_housing_fund": "no",
}

CASE_FORM = {"accident_date": "2026-03-02", "description": "右手夹伤", "reported_date": "2026-03-02",
             "recognition_applied_date": "2026-03-20", "recognition_applicant": "employer",
             "recognition_accepted_date": "2026-03-27", "recognition_decided_date": "2026-05-15", "recognized": "yes",
             "suspension_start": "2026-03-02", "suspension_months": "6"}


@pytest.fixture(scope="session")
def parsed_notices():
    return load_notices(PROJECT_ROOT / "notices")


@pytest.fixture
def cases_ready(world, courses, parsed_notices):
    """Scenario notices synced, the demo policy stored, the worker's six pre-injury wage months."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("portal.notices.operations.load_notices", lambda root: parsed_notices)
        sync_scenario_notices(PROJECT_ROOT / "notices", SYSTEM)
    operations.ensure_demo_policy(SYSTEM)
    for year, month, wage in WAGES:
        operations.add_wage(world.worker, year, month, Decimal(wage), None, SYSTEM)
    db.session.commit()
    return world


def open_case_for(employee, **values) -> InjuryCase:
    data = {**dict.fromkeys(CASE_FIELDS), "accident_date": date(2026, 3, 2), "description": "",
            "suspension_start": date(2026, 3, 2), "suspension_months": 6, **values}
    case = operations.open_case(employee, data, None, SYSTEM)
    db.session.commit()
    return case


def events(event_type: str, employee_id: int | None = None) -> list[EvidenceEvent]:
    query = sa.select(EvidenceEvent).where(EvidenceEvent.event_type == event_type)
    if employee_id is not None:
        query = query.where(EvidenceEvent.employee_id == employee_id)
    return list(db.session.execute(query.order_by(EvidenceEvent.id)).scalars())
