"""SQLite plans the hot lookups on selective indexes. Without statistics its planner takes any
index on an equality, and a boolean one (``is_current``) made an acknowledgement scan every
current assignment of the company."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.courses.models import Assignment
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.workbench.models import RiskAlert


def _plan(statement: sa.Select) -> str:
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return " | ".join(row[-1] for row in rows)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_employees_current_assignment_is_found_by_course_and_employee(app):
    plan = _plan(sa.select(Assignment).where(Assignment.course_id == 1, Assignment.employee_id == 2,
                                             Assignment.is_current.is_(True)))
    assert "uq_course_assignments_course_id" in plan or "(course_id=? AND employee_id=?)" in plan, plan
    assert "is_current" not in plan, plan


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_one_employees_events_of_one_type_use_the_combined_index(app):
    plan = _plan(sa.select(EvidenceEvent.id).where(EvidenceEvent.employee_id == 2,
                                                   EvidenceEvent.event_type == "lesson_read"))
    assert "ix_evidence_events_employee_type (employee_id=? AND event_type=?)" in plan, plan


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_acknowledgement_finds_the_alerts_about_its_subject_by_index(app):
    plan = _plan(sa.select(RiskAlert.id).where(RiskAlert.subject_kind == "assignment", RiskAlert.subject_id == 7,
                                               RiskAlert.status != "resolved"))
    assert "ix_risk_alerts_subject (subject_kind=? AND subject_id=?)" in plan, plan



@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_mailed_receipt_is_looked_up_in_the_outbox_by_index(app):
    plan = _plan(sa.select(OutboxMessage.id).where(OutboxMessage.subject == "确认回执 Receipt R20261130-000001"))
    assert "ix_mail_outbox_subject (subject=?)" in plan, plan
