"""Migration 0009 carries an existing ledger forward: identities bound, every event in the log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask_migrate import upgrade

from portal.core.types import UTCDateTime
from portal.evidence.chain import GENESIS, event_body, link_hash
from portal.evidence.log import publish
from portal.evidence.models import LogLeaf
from portal.evidence.operations import verify_ledger
from portal.extensions import db
from tests.conftest import World, make_app
from tests.web.test_migrations import empty_database  # noqa: F401 - the fixture, on both engines


def legacy_events(connection, employee_id: int, count: int) -> None:
    """Events as the ledger wrote them before chains opened with an identity."""
    chain, previous = f"employee:{employee_id}", GENESIS
    start = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
    for seq in range(1, count + 1):
        at = start + timedelta(minutes=seq)
        body = event_body(chain=chain, seq=seq, event_type="lesson_viewed", occurred_at=at, employee_id=employee_id,
                          actor_user_id=None, content=None, origin={"channel": "system"}, payload={"lesson": seq})
        digest = link_hash(previous, body)
        connection.execute(sa.text(
            "INSERT INTO evidence_events (chain, seq, event_type, occurred_at, employee_id, body, prev_hash, hash) "
            "VALUES (:c, :s, 'lesson_viewed', :at, :e, :b, :p, :h)").bindparams(sa.bindparam("at", type_=UTCDateTime())),
            {"c": chain, "s": seq, "at": at, "e": employee_id, "b": body, "p": previous, "h": digest})
        previous = digest
    connection.execute(sa.text("INSERT INTO evidence_chain_heads (chain, seq, hash) VALUES (:c, :s, :h)"),
                       {"c": chain, "s": count, "h": previous})


def test_the_existing_ledger_is_bound_and_logged_in_append_order(empty_database):  # noqa: F811
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0014")  # every migration before the log (0009 comes last)
        world = World()
        worker_id, outsider_id = world.worker.id, world.outsider.id
        db.session.remove()  # later migrations alter tables this session has read
        with db.engine.begin() as connection:
            legacy_events(connection, worker_id, 3)
            legacy_events(connection, outsider_id, 2)
        upgrade()
        leaves = db.session.execute(sa.select(LogLeaf.chain, LogLeaf.seq).order_by(LogLeaf.position)).all()
        worker, outsider = f"employee:{worker_id}", f"employee:{outsider_id}"
        assert leaves == [(worker, 1), (worker, 2), (worker, 3), (outsider, 1), (outsider, 2), (outsider, 3),
                          (worker, 4)] or leaves == [(worker, 1), (worker, 2), (worker, 3), (outsider, 1),
                                                     (outsider, 2), (worker, 4), (outsider, 3)]
        assert publish().head.size == 7
        report = verify_ledger()
        assert report.ok, report.first_problem
        db.session.remove()
        db.engine.dispose()
