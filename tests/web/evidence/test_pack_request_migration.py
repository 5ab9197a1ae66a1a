"""Migration 0017 moves the API's pack requests into the one table the pages and the API share."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from flask_migrate import upgrade

from portal.core.types import UTCDateTime
from portal.evidence.models import PackRequest
from portal.extensions import db
from tests.conftest import World, make_app
from tests.web.test_migrations import empty_database  # noqa: F401 - the fixture, on both engines

AT = datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc)


def test_api_pack_requests_move_into_the_shared_table(empty_database):  # noqa: F811
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0016")  # the head before one pack-request table
        world = World()
        hr, worker = world.user("hr").id, world.worker.id
        db.session.remove()  # the upgrade below alters tables this session has read
        insert = sa.text(
            "INSERT INTO api_pack_requests (employee_id, requested_by_id, status, filename, sha256, data, created_at, "
            "ready_at) VALUES (:e, :u, :s, :f, :h, :d, :at, :ready)").bindparams(
            sa.bindparam("at", type_=UTCDateTime()), sa.bindparam("ready", type_=UTCDateTime()))
        with db.engine.begin() as connection:
            connection.execute(insert, [
                {"e": worker, "u": hr, "s": "ready", "f": "evidence-E001.zip", "h": "ab" * 32, "d": b"PK",
                 "at": AT, "ready": AT},
                {"e": worker, "u": hr, "s": "pending", "f": "", "h": None, "d": None, "at": AT, "ready": None},
            ])
        upgrade()
        assert "api_pack_requests" not in sa.inspect(db.engine).get_table_names()
        ready, waiting = db.session.execute(sa.select(PackRequest).order_by(PackRequest.id)).scalars()
        assert (ready.status, ready.stage, ready.filename, ready.sha256, ready.data, ready.finished_at) == (
            "ready", "done", "evidence-E001.zip", "ab" * 32, b"PK", AT)
        assert ready.requested_by_id == hr and ready.employee_id == worker and ready.created_at == AT
        assert waiting.status == "failed" and "ask again" in waiting.error and waiting.filename is None
        db.session.remove()
        db.engine.dispose()
