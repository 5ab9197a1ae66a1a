"""The documented production role (docs/evidence-grants.sql) appends to the ledger and the log but
cannot change, remove or unprotect them."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from portal import PROJECT_ROOT
from portal.evidence.ledger import SYSTEM, append_event
from portal.evidence.log import publish
from portal.extensions import db
from tests.conftest import make_app


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_application_role_appends_but_cannot_change_or_unprotect(app, world, database_url):
    role, password = f"app_{uuid.uuid4().hex[:8]}", "role-password"
    database = sa.make_url(database_url).database
    script = (PROJECT_ROOT / "docs" / "evidence-grants.sql").read_text()
    script = script.replace("portal_app", role).replace("'change-me'", f"'{password}'").replace(
        "DATABASE portal", f'DATABASE "{database}"')
    sql = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
    with db.engine.begin() as connection:
        for statement in (s.strip() for s in sql.split(";")):
            if statement:
                connection.execute(sa.text(statement))
    employee_id = world.worker.id
    db.session.remove()
    role_url = sa.make_url(database_url).set(username=role, password=password)
    as_role = make_app(role_url.render_as_string(hide_password=False), TSA_URL="")
    with as_role.app_context():
        append_event("lesson_viewed", employee_id=employee_id, actor_user_id=None, origin=SYSTEM)
        db.session.commit()
        publish()
        for statement in ("ALTER TABLE evidence_events DISABLE TRIGGER ALL",
                          "DROP TRIGGER evidence_events_append_only ON evidence_events",
                          "SET session_replication_role = replica",
                          "DELETE FROM evidence_events",
                          "UPDATE evidence_tree_heads SET root = 'x'",
                          "TRUNCATE evidence_log_leaves",
                          "DELETE FROM evidence_chain_heads"):
            with pytest.raises(DatabaseError, match="must be owner|permission denied"):
                with db.engine.begin() as connection:
                    connection.execute(sa.text(statement))
        db.session.remove()
        db.engine.dispose()
    with db.engine.begin() as connection:
        connection.execute(sa.text(f'DROP OWNED BY "{role}"'))
        connection.execute(sa.text(f'DROP ROLE "{role}"'))
