"""What one course acknowledgement costs: the same statements with a handful of employees and with
hundreds more (nothing on its way grows with the company), and one transaction, the receipt's
e-mail included. Both engines."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask.testing import FlaskClient

from bench.dataset import BENCH_PASSWORD, add_employees
from portal.courses.models import Acknowledgement
from portal.evidence.models import ChainHead, EvidenceEvent
from portal.evidence.operations import verify_ledger
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.org.models import Employee
from tests.conftest import CSRF_PATTERN, counted_commits, counted_statements, login

TODAY = date(2026, 11, 26)
PATH = "/learning/injury-basics/acknowledge"
# The account (1); the assignment with its course, acknowledgement and version (1); the lessons read
# and the quiz (1); the assignment marked and the record inserted (2); the chain head locked, the
# event inserted and the head advanced (3); the webhook subscriptions (1); the receipt number and the
# event hash (1); open alerts about the assignment (1).
STATEMENTS = 11


def _newest_ready_employee() -> int:
    """The last bench employee: every lesson read and the quiz passed, the acknowledgement still to give."""
    return db.session.execute(sa.select(sa.func.max(Employee.id))).scalar_one()


def _acknowledge(client: FlaskClient, employee_id: int) -> tuple[list[str], int]:
    """Sign in as the bench employee and acknowledge; the statements and commits of the POST."""
    login(client, f"b{employee_id}", BENCH_PASSWORD)
    token = CSRF_PATTERN.search(client.get(PATH).get_data(as_text=True)).group(1)
    with counted_statements() as statements, counted_commits() as commits:
        response = client.post(PATH, data={"csrf_token": token, "typed_name": f"员工{employee_id}"})
    assert response.status_code == 303 and re.search(r"/learning/receipts/R\d{8}-\d{6}$", response.headers["Location"])
    return statements, len(commits)


def _position(statements: list[str], start: str) -> int:
    return next(i for i, statement in enumerate(statements) if statement.startswith(start))


def test_an_acknowledgement_costs_the_same_statements_and_one_commit_at_any_company_size(app, world, courses):
    add_employees(6, 60, 2, TODAY)
    db.session.commit()
    small, small_commits = _acknowledge(app.test_client(), _newest_ready_employee())

    add_employees(300, 3000, 1, TODAY)
    db.session.commit()
    assert db.session.execute(sa.select(sa.func.count(Acknowledgement.id))).scalar_one() > 150
    large, large_commits = _acknowledge(app.test_client(), _newest_ready_employee())

    assert len(small) == len(large) == STATEMENTS, (small, large)
    # The assignment is marked after the ledger and the alerts: rows the database keeps in step with
    # it stay locked only until the commit.
    assert _position(large, "UPDATE course_assignments") > _position(large, "SELECT risk_alerts.id"), large
    assert small_commits == large_commits == 1


def test_the_receipt_email_is_written_in_the_acknowledgements_transaction(app, world, courses):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=2525)
    add_employees(3, 30, 1, TODAY)
    db.session.commit()
    employee_id = _newest_ready_employee()
    db.session.get(Employee, employee_id).email = f"b{employee_id}@company-a.example"
    db.session.commit()
    _statements, commits = _acknowledge(app.test_client(), employee_id)
    record = db.session.execute(sa.select(Acknowledgement).where(Acknowledgement.employee_id == employee_id)).scalar_one()
    mail = db.session.execute(sa.select(OutboxMessage)).scalars().one()
    assert commits == 1
    assert record.receipt_number in mail.subject and record.event_hash in mail.body


def test_the_acknowledgement_names_its_event_and_the_event_its_receipt(app, world, courses):
    add_employees(3, 30, 1, TODAY)
    db.session.commit()
    employee_id = _newest_ready_employee()
    _acknowledge(app.test_client(), employee_id)
    db.session.expire_all()
    newest = db.session.execute(sa.select(EvidenceEvent).where(EvidenceEvent.employee_id == employee_id)
                                .order_by(EvidenceEvent.seq.desc()).limit(1)).scalar_one()
    record = db.session.execute(sa.select(Acknowledgement).where(Acknowledgement.employee_id == employee_id)).scalar_one()
    head = db.session.get(ChainHead, f"employee:{employee_id}")
    assert newest.event_type == "course_acknowledged" and (head.seq, head.hash) == (newest.seq, newest.hash)
    assert record.event_hash == newest.hash and f'"receipt":"{record.receipt_number}"' in newest.body
    assert verify_ledger(employee_id).ok
