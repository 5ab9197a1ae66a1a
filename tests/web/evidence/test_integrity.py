"""The ledger is append-only in the database itself, and verification finds what bypasses that."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from portal.evidence.ledger import SYSTEM, append_event
from portal.evidence.models import EvidenceEvent
from portal.evidence.operations import take_checkpoint, verify_ledger
from portal.extensions import db
from tests.conftest import make_app


@pytest.fixture
def events(world):
    for n in range(3):
        append_event("lesson_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM,
                     payload={"lesson": n + 1})
    append_event("course_assigned", employee_id=world.outsider.id, actor_user_id=None, origin=SYSTEM)
    db.session.commit()
    return db.session.query(EvidenceEvent).order_by(EvidenceEvent.id).all()


@pytest.mark.parametrize("statement", [
    "UPDATE evidence_events SET body = body || ' ' WHERE id = {id}",
    "DELETE FROM evidence_events WHERE id = {id}",
    "UPDATE evidence_checkpoints SET merkle_root = 'x'",
    "DELETE FROM evidence_checkpoints",
])
def test_the_database_refuses_changes_to_ledger_rows(app, events, statement):
    take_checkpoint()
    with pytest.raises(DatabaseError, match="append-only"):
        with db.engine.begin() as connection:
            connection.execute(sa.text(statement.format(id=events[1].id)))


def test_the_orm_cannot_update_an_event_either(app, events):
    events[0].event_type = "something_else"
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def bypass_triggers(connection: sa.Connection) -> None:
    """What an attacker with database access would do: switch the triggers off for the session."""
    if connection.dialect.name == "sqlite":
        connection.execute(sa.text("DROP TRIGGER evidence_events_no_update"))
    else:
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))


def test_cli_names_an_event_changed_through_a_raw_connection(app, events):
    take_checkpoint()
    target = events[1]
    with db.engine.begin() as connection:
        bypass_triggers(connection)
        connection.execute(sa.text("UPDATE evidence_events SET body = :body WHERE id = :id"),
                           {"body": target.body.replace('"lesson":2', '"lesson":5'), "id": target.id})
    result = app.test_cli_runner().invoke(args=["evidence", "verify"])
    assert result.exit_code == 1
    assert f"event {target.id} (employee:{target.employee_id} #2)" in result.output
    assert "does not match its hash" in result.output
    only_outsider = app.test_cli_runner().invoke(args=["evidence", "verify", "--employee", "E002"])
    assert only_outsider.exit_code == 0 and "OK" in only_outsider.output


def test_cli_reports_ok_and_counts(app, events):
    take_checkpoint()
    result = app.test_cli_runner().invoke(args=["evidence", "verify"])
    assert result.exit_code == 0
    assert "OK: the whole ledger: 4 events in 2 chains and 1 checkpoints verified." in result.output


def test_checkpoint_cli_prints_the_root(app, events):
    result = app.test_cli_runner().invoke(args=["evidence", "checkpoint"])
    assert result.exit_code == 0 and "Merkle root:" in result.output and "events: 4, chains: 2" in result.output


def test_a_whole_rewritten_chain_is_caught_by_the_checkpoint(app, events):
    """Rewriting one employee's chain consistently (new hashes all along) passes the chain checks;
    the earlier checkpoint still names the head it saw."""
    take_checkpoint()
    from portal.evidence.chain import GENESIS, link_hash

    worker_events = [e for e in events if e.employee_id == events[0].employee_id]
    previous = GENESIS
    with db.engine.begin() as connection:
        bypass_triggers(connection)
        if connection.dialect.name == "sqlite":
            connection.execute(sa.text("DROP TRIGGER evidence_events_no_delete"))
        for event in worker_events:
            body = event.body.replace('"channel":"system"', '"channel":"forged"')
            digest = link_hash(previous, body)
            connection.execute(sa.text("UPDATE evidence_events SET body=:b, prev_hash=:p, hash=:h WHERE id=:id"),
                               {"b": body, "p": previous, "h": digest, "id": event.id})
            previous = digest
        connection.execute(sa.text("UPDATE evidence_chain_heads SET hash=:h WHERE chain=:c"),
                           {"h": previous, "c": worker_events[0].chain})
    db.session.expire_all()
    report = verify_ledger()
    assert not report.ok
    assert "checkpoint 1" in str(report.first_problem) and "no longer holds" in str(report.first_problem)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_concurrent_appends_never_fork_a_chain(app, world, database_url):
    """Eight writers append to one employee's chain at once (PostgreSQL row lock on the head)."""
    employee_id, url = world.worker.id, database_url
    errors: list[BaseException] = []
    # Apps are built before the threads start: Python 3.11's compiler (used by Werkzeug to build
    # URL rules) is not safe to call from several threads at once.
    apps = [make_app(url) for _ in range(8)]

    def writer(other) -> None:
        try:
            with other.app_context():
                for _ in range(10):
                    append_event("lesson_viewed", employee_id=employee_id, actor_user_id=None, origin=SYSTEM)
                    db.session.commit()
                db.session.remove()
                db.engine.dispose()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(other,)) for other in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    seqs = [s for (s,) in db.session.execute(sa.select(EvidenceEvent.seq).where(
        EvidenceEvent.employee_id == employee_id).order_by(EvidenceEvent.seq))]
    assert seqs == list(range(1, 81))
    assert verify_ledger(employee_id).ok
