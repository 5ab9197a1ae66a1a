"""The demo company loads once, with the people the logins promise."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.auth.models import User
from portal.auth.policy import Role
from portal.demo.company import DEMO_PASSWORD
from portal.demo.operations import load_demo
from portal.evidence.models import EvidenceEvent, Witness
from portal.extensions import db
from portal.org.models import Department, Employee, department_managers
from tests.conftest import login


def test_demo_loads_once_with_500_people(app):
    assert load_demo(date(2026, 11, 25)) == 500
    assert load_demo(date(2026, 11, 25)) == 0
    assert db.session.query(Employee).count() == 500
    departments = db.session.query(Department).all()
    assert len(departments) == 9
    assert all(d.manager is not None and d.manager.department_id == d.id for d in departments)
    assert db.session.execute(sa.select(sa.func.count()).select_from(department_managers)).scalar_one() == 9
    witness = db.session.execute(sa.select(Witness)).scalar_one()  # added as HR adds one: recorded in the ledger
    recorded = db.session.execute(sa.select(EvidenceEvent.body).where(EvidenceEvent.event_type == "witness_added")).scalar_one()
    assert f'"target": "{witness.target}"' in recorded or f'"target":"{witness.target}"' in recorded


def test_demo_logins_work_with_their_roles(app):
    load_demo(date(2026, 11, 25))
    for username, role in [("hr.wang", Role.HR), ("mgr.zhao", Role.MANAGER), ("li.qiang", Role.EMPLOYEE),
                           ("new.chen", Role.EMPLOYEE), ("admin", Role.ADMIN)]:
        assert db.session.query(User).filter_by(username=username).one().role is role
        client = app.test_client()
        assert login(client, username, DEMO_PASSWORD).status_code == 303


def test_demo_cli_prints_the_logins(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert "500 employees" in result.output
    assert "hr.wang" in result.output and DEMO_PASSWORD in result.output
    again = app.test_cli_runner().invoke(args=["demo", "load"])
    assert "already loaded" in again.output


def test_demo_raises_every_kind_of_risk_alert_each_with_a_working_fix_link(app):
    """The workbench's promise: after flask risks scan the demo shows each alert kind, and the
    link next to each opens the page where HR fixes it."""
    from flask import url_for

    from portal.core.types import local_today
    from portal.workbench.alerts import AlertCode
    from portal.workbench.models import RiskAlert
    from portal.workbench.alert_list import fix_endpoint
    from portal.workbench.operations import scan

    today = local_today()
    load_demo(today)
    scan(today)
    alerts = db.session.query(RiskAlert).all()
    assert {AlertCode(a.code) for a in alerts} == set(AlertCode)
    client = app.test_client()
    assert login(client, "hr.wang", DEMO_PASSWORD).status_code == 303
    for code in AlertCode:
        alert = next(a for a in alerts if AlertCode(a.code) is code)
        endpoint, values = fix_endpoint(alert)
        with app.test_request_context():
            link = url_for(endpoint, **values)
        assert client.get(link).status_code == 200, (code, link)
