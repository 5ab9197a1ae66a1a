"""What one notice acknowledgement costs: a fixed number of statements and one transaction, the
receipt's e-mail included. Both engines."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.notices.models import NoticeAcknowledgement
from portal.notifications.models import OutboxMessage
from tests.conftest import CSRF_PATTERN, counted_commits, counted_statements, login

# The account (1); the delivery with its version, notice and acknowledgement (1); the delivery marked and
# the record inserted (2); the chain head locked, the event inserted and the head advanced (3); the
# webhook subscriptions (1); the receipt number and event hash (1); open alerts about the delivery
# (1); the outbox checked for the receipt's e-mail and the e-mail written (2).
STATEMENTS = 12


def test_a_notice_acknowledgement_costs_fixed_statements_in_one_transaction(app, client, world, delivery):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=2525)
    world.worker.email = "li.qiang@company-a.example"
    db.session.commit()
    login(client, "worker")
    page = f"/notices/{delivery.id}"
    token = CSRF_PATTERN.search(client.get(page).get_data(as_text=True)).group(1)
    with counted_statements() as statements, counted_commits() as commits:
        response = client.post(f"{page}/acknowledge", data={"csrf_token": token, "typed_name": "李强"})
    record = db.session.execute(sa.select(NoticeAcknowledgement)).scalar_one()
    assert response.status_code == 303 and response.headers["Location"] == f"/notices/receipts/{record.receipt_number}"
    assert len(statements) == STATEMENTS, "\n".join(s[:90] for s in statements)
    # The delivery is marked after the ledger and the alerts: rows the database keeps in step with it
    # stay locked only until the commit.
    marked = next(i for i, s in enumerate(statements) if s.startswith("UPDATE notice_deliveries"))
    assert marked > next(i for i, s in enumerate(statements) if s.startswith("SELECT risk_alerts.id")), statements
    assert len(commits) == 1
    assert record.receipt_number in db.session.execute(sa.select(OutboxMessage.subject)).scalar_one()
