"""The evidence page of one employee keeps what it draws from the employee's chain (the filter
form, the timeline, the purged scans) until the chain's head moves: a later visit reads no event,
and a new event shows at once. Both engines."""

from __future__ import annotations

from portal.core.kept import kept_parts
from portal.evidence.ledger import SYSTEM, append_event
from portal.extensions import db
from tests.conftest import counted_statements, login
from tests.web.cases.test_kept_pages import main_content


def test_the_timeline_is_kept_until_the_chain_grows(client, world):
    append_event("reminder_sent", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM, payload={})
    db.session.commit()
    login(client, "hr")
    path = f"/evidence/employees/{world.worker.id}"
    first = main_content(client, path)

    with counted_statements() as statements:
        assert main_content(client, path) == first
    assert not [s for s in statements if "evidence_events" in s], statements

    append_event("case_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM,
                 payload={"case": 42, "own": False})
    db.session.commit()
    grown = main_content(client, path)
    assert grown != first and "case:42" in grown and 'value="case_viewed"' in grown
    kept_parts().clear()
    assert main_content(client, path) == grown
    # Another employee's page is not this one's.
    assert "case:42" not in main_content(client, f"/evidence/employees/{world.outsider.id}")
