"""The ledger and its Merkle log hold against their own keeper: the database refuses changes, and
``flask evidence verify`` finds and names what bypasses that."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from portal.evidence.chain import event_body, link_hash
from portal.evidence.ledger import SYSTEM, append_event
from portal.evidence.log import publish
from portal.evidence.models import ChainHead, EvidenceEvent, HeadTimestamp, TreeHead
from portal.evidence.operations import take_checkpoint, verify_ledger
from portal.extensions import db
from portal.org.models import Employee
from tests.conftest import counted_statements, make_app


@pytest.fixture
def events(world):
    for n in range(3):
        append_event("lesson_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM,
                     payload={"lesson": n + 1})
    append_event("course_assigned", employee_id=world.outsider.id, actor_user_id=None, origin=SYSTEM)
    db.session.commit()
    return db.session.query(EvidenceEvent).order_by(EvidenceEvent.id).all()


def worker_events(events, world):
    return [e for e in events if e.employee_id == world.worker.id]


def run_verify(app):
    db.session.expire_all()
    return app.test_cli_runner().invoke(args=["evidence", "verify"])


def bypass_triggers(connection: sa.Connection) -> None:
    """What an attacker with database superuser access would do: switch the triggers off."""
    if connection.dialect.name == "sqlite":
        for (name,) in connection.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all():
            connection.execute(sa.text(f"DROP TRIGGER {name}"))
    else:
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))


def test_a_chain_opens_with_the_employees_identity(app, world, events):
    first = worker_events(events, world)[0]
    assert first.seq == 1 and first.event_type == "chain_opened"
    payload = json.loads(first.body)["payload"]
    assert payload["employee_number"] == world.worker.number and len(payload["name_sha256"]) == 64


REFUSED = [
    "UPDATE evidence_events SET body = body || ' ' WHERE id = {id}",
    "DELETE FROM evidence_events WHERE id = {id}",
    "UPDATE evidence_checkpoints SET merkle_root = 'x'",
    "DELETE FROM evidence_checkpoints",
    "UPDATE evidence_tree_heads SET root = 'x'",
    "DELETE FROM evidence_tree_heads",
    "UPDATE evidence_log_leaves SET leaf_hash = 'x'",
    "DELETE FROM evidence_log_leaves",
    "DELETE FROM evidence_head_timestamps",
    "DELETE FROM evidence_head_deliveries",
    "DELETE FROM evidence_chain_heads",
    "UPDATE evidence_chain_heads SET seq = seq - 1",
    "UPDATE evidence_chain_heads SET seq = seq + 1",
]


def test_the_database_refuses_changes_to_ledger_and_log_rows(app, events, witness_dir):
    take_checkpoint()
    publish()
    assert db.session.query(HeadTimestamp).count() == 1
    for statement in REFUSED:
        with pytest.raises(DatabaseError, match="append-only|only advance"):
            with db.engine.begin() as connection:
                connection.execute(sa.text(statement.format(id=events[1].id)))


def test_the_orm_cannot_update_an_event_either(app, events):
    events[0].event_type = "something_else"
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_cli_names_an_event_changed_through_a_raw_connection(app, world, events):
    publish()
    target = worker_events(events, world)[2]
    with db.engine.begin() as connection:
        bypass_triggers(connection)
        connection.execute(sa.text("UPDATE evidence_events SET body = :body WHERE id = :id"),
                           {"body": target.body.replace('"lesson":2', '"lesson":5'), "id": target.id})
    result = run_verify(app)
    assert result.exit_code == 1
    assert f"event {target.id} (employee:{world.worker.id} #3)" in result.output
    assert "does not match its hash" in result.output
    only_outsider = app.test_cli_runner().invoke(args=["evidence", "verify", "--employee", "E002"])
    assert only_outsider.exit_code == 0 and "OK" in only_outsider.output


def test_cli_reports_ok_and_counts(app, events):
    take_checkpoint()
    publish()
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert ("OK: the whole ledger: 6 events in 2 chains and 1 checkpoints verified; 1 signed tree heads match the log."
            in result.output)


def test_a_whole_rewritten_chain_with_a_rebuilt_head_is_caught_by_the_log(app, world, events):
    """Rewriting one chain consistently (new hashes all along, head updated) passes the chain checks;
    the Merkle log and the signed head still hold the old events."""
    publish()
    previous = "0" * 64
    chain_events = worker_events(events, world)
    with db.engine.begin() as connection:
        bypass_triggers(connection)
        for event in chain_events:
            body = event.body.replace('"channel":"system"', '"channel":"forged"')
            digest = link_hash(previous, body)
            connection.execute(sa.text("UPDATE evidence_events SET body=:b, prev_hash=:p, hash=:h WHERE id=:id"),
                               {"b": body, "p": previous, "h": digest, "id": event.id})
            previous = digest
        connection.execute(sa.text("UPDATE evidence_chain_heads SET hash=:h WHERE chain=:c"),
                           {"h": previous, "c": chain_events[0].chain})
    report = verify_ledger()
    assert not report.ok
    assert any("changed after it was logged" in str(p) for p in report.problems)


def forge(connection, chain: str, seq: int, previous_hash: str, employee_id: int, at) -> str:
    body = event_body(chain=chain, seq=seq, event_type="course_acknowledged", occurred_at=at, employee_id=employee_id,
                      actor_user_id=None, content=None, origin={"channel": "portal"}, payload={"typed_name": "李强"})
    digest = link_hash(previous_hash, body)
    connection.execute(sa.text(
        "INSERT INTO evidence_events (chain, seq, event_type, occurred_at, employee_id, body, prev_hash, hash) "
        "VALUES (:c, :s, 'course_acknowledged', :at, :e, :b, :p, :h)"),
        {"c": chain, "s": seq, "at": at, "e": employee_id, "b": body, "p": previous_hash, "h": digest})
    return digest


def test_a_back_dated_event_inserted_with_its_head_updated_is_named(app, world, events):
    """INSERT is an append, so the triggers let it and the head's advance through; its time gives it away."""
    last = worker_events(events, world)[-1]
    with db.engine.begin() as connection:
        digest = forge(connection, last.chain, last.seq + 1, last.hash, world.worker.id,
                       last.occurred_at - timedelta(days=30))
        connection.execute(sa.text("UPDATE evidence_chain_heads SET seq = seq + 1, hash = :h WHERE chain = :c"),
                           {"h": digest, "c": last.chain})
    result = run_verify(app)
    assert result.exit_code == 1
    assert f"{last.chain} #{last.seq + 1}" in result.output and "back-dated" in result.output


def test_an_event_added_past_the_head_is_told_from_a_removal(app, world, events):
    last = worker_events(events, world)[-1]
    with db.engine.begin() as connection:
        forge(connection, last.chain, last.seq + 1, last.hash, world.worker.id, last.occurred_at + timedelta(seconds=1))
    result = run_verify(app)
    assert result.exit_code == 1 and "events were added behind the writer's back" in result.output


def test_deleting_the_newest_event_after_publication_and_resetting_the_head_is_named(app, world, events):
    publish()
    last, before = worker_events(events, world)[-1], worker_events(events, world)[-2]
    gone = f"names {last.chain} #{last.seq}, which the ledger no longer holds (deleted after it was logged)"
    with db.engine.begin() as connection:
        bypass_triggers(connection)
        connection.execute(sa.text("DELETE FROM evidence_events WHERE id = :id"), {"id": last.id})
        connection.execute(sa.text("UPDATE evidence_chain_heads SET seq = :s, hash = :h WHERE chain = :c"),
                           {"s": before.seq, "h": before.hash, "c": last.chain})
    result = run_verify(app)
    assert result.exit_code == 1
    assert gone in result.output


def test_rewriting_every_tree_head_and_checkpoint_is_named(app, events):
    take_checkpoint()
    publish()
    with db.engine.begin() as connection:
        bypass_triggers(connection)
        connection.execute(sa.text("UPDATE evidence_tree_heads SET root = :r, body = replace(body, root, :b)"),
                           {"r": "ab" * 32, "b": "ab" * 32})
        connection.execute(sa.text("UPDATE evidence_checkpoints SET merkle_root = 'x', body = body || ' '"))
    report = verify_ledger()
    reasons = " | ".join(str(p) for p in report.problems)
    assert "tree head of size 6: its Ed25519 signature does not hold" in reasons
    assert "the log no longer has this root" in reasons
    assert "checkpoint 1: its content does not match its hash" in reasons


def test_a_changed_timestamp_token_is_named(app, events):
    publish()
    with db.engine.begin() as connection:
        bypass_triggers(connection)
        token = connection.execute(sa.text("SELECT token FROM evidence_head_timestamps")).scalar_one()
        changed = bytearray(token)
        changed[-40] ^= 0x01
        connection.execute(sa.text("UPDATE evidence_head_timestamps SET token = :t"), {"t": bytes(changed)})
    report = verify_ledger()
    assert any("RFC 3161 timestamp does not hold" in str(p) for p in report.problems)


def test_publish_timestamps_with_the_suites_tsa_and_finishes_an_interrupted_run(app, events, suite_tsa, monkeypatch):
    tsa, url = suite_tsa
    monkeypatch.setitem(app.config, "TSA_URL", "http://127.0.0.1:9/down " + url)  # the first fails: fall back
    first = publish()
    assert first.head.size == 6 and first.timestamped == 1 and any("127.0.0.1:9" in f for f in first.failures)
    monkeypatch.setitem(app.config, "TSA_URL", "http://127.0.0.1:9/down")
    append_event("lesson_viewed", employee_id=events[0].employee_id, actor_user_id=None, origin=SYSTEM)
    db.session.commit()
    second = publish()  # the head is signed; its timestamp is left for the next run
    assert second.head.size == 7 and second.timestamped == 0
    monkeypatch.setitem(app.config, "TSA_URL", url)
    third = publish()
    assert third.head is None and third.timestamped == 1
    assert db.session.query(HeadTimestamp).count() == 2
    assert verify_ledger().ok


def _write_something(employee_id: int) -> None:
    """A change before the append, as an acknowledgement or a lesson opening makes one."""
    db.session.execute(sa.update(Employee).where(Employee.id == employee_id).values(phone="13800000000"))


def test_an_existing_head_is_locked_and_read_with_one_statement(app, world, events):
    _write_something(world.worker.id)
    with counted_statements() as statements:
        append_event("lesson_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM)
    db.session.commit()
    assert [s.split()[0] for s in statements] == ["SELECT", "INSERT", "UPDATE"], statements
    assert verify_ledger(world.worker.id).ok


def test_a_head_loaded_before_an_append_shows_where_the_chain_is_after_it(app, world, events):
    """The head is locked and moved with Core statements; one the session already holds follows."""
    held = db.session.get(ChainHead, f"employee:{world.worker.id}")
    first = append_event("lesson_viewed", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM)
    second = append_event("lesson_read", employee_id=world.worker.id, actor_user_id=None, origin=SYSTEM)
    assert (held.seq, held.hash) == (first.seq + 1, second.hash) and second.prev_hash == first.hash
    db.session.commit()
    assert verify_ledger(world.worker.id).ok


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("write_first", [False, True], ids=["append-first", "write-first"])
def test_concurrent_appends_never_fork_a_chain(app, world, database_url, write_first):
    """Eight writers append to one employee's chain at once (PostgreSQL row lock on the head), with
    and without a change of their own before the append."""
    employee_id, url = world.worker.id, database_url
    errors: list[BaseException] = []
    writers = [make_app(url) for _ in range(8)]

    def writer(other) -> None:
        try:
            with other.app_context():
                for _ in range(10):
                    if write_first:
                        _write_something(employee_id)
                    append_event("lesson_viewed", employee_id=employee_id, actor_user_id=None, origin=SYSTEM)
                    db.session.commit()
                db.session.remove()
                db.engine.dispose()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(other,)) for other in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    seqs = [s for (s,) in db.session.execute(sa.select(EvidenceEvent.seq).where(
        EvidenceEvent.employee_id == employee_id).order_by(EvidenceEvent.seq))]
    assert seqs == list(range(1, 82))
    assert verify_ledger(employee_id).ok


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_concurrent_publications_and_checkpoints_never_fork(app, world, database_url):
    """Runs at the same moment, while events are appended: one head per size, verify stays OK."""
    url, employee_id = database_url, world.worker.id
    errors: list[BaseException] = []
    apps = [make_app(url, TSA_URL="") for _ in range(6)]

    def run(other, n: int) -> None:
        try:
            with other.app_context():
                for _ in range(3):
                    append_event("lesson_viewed", employee_id=employee_id, actor_user_id=None, origin=SYSTEM)
                    db.session.commit()
                    publish() if n % 2 else take_checkpoint()
                db.session.remove()
                db.engine.dispose()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(other, n)) for n, other in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    publish()
    sizes = [s for (s,) in db.session.execute(sa.select(TreeHead.size).order_by(TreeHead.id))]
    assert sizes == sorted(set(sizes)) and sizes[-1] == 19
    report = verify_ledger()
    assert report.ok, report.first_problem
