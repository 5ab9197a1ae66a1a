"""Migration 0016 moves existing scans out of the append-only receipts into the scan store, on both engines."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.core.types import UTCDateTime
from portal.extensions import db
from portal.scans import store as scan_store
from tests.conftest import World, make_app
from tests.web.test_migrations import empty_database  # noqa: F401 - the fixture, on both engines

SCANS = (b"%PDF-1.4 first form", b"%PDF-1.4 first form", b"\x89PNG second")


def test_existing_scans_move_to_the_store_and_the_receipts_stay_append_only(empty_database):  # noqa: F811
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0015")  # the head before the scan store
        world = World()
        insert = sa.text(
            "INSERT INTO evidence_paper_receipts (employee_id, content_kind, content_ref, signed_on, collected_by_id, "
            "recorded_at, scan_filename, scan_mimetype, scan_sha256, scan, event_hash) VALUES (:e, 'course', "
            "'course:injury-basics', :signed, :hr, :at, 'form.pdf', 'application/pdf', :sha, :scan, :event)"
        ).bindparams(sa.bindparam("at", type_=UTCDateTime()), sa.bindparam("scan", type_=sa.LargeBinary()))
        with db.engine.begin() as connection:
            for scan in SCANS:
                connection.execute(insert, {"e": world.worker.id, "signed": date(2026, 5, 6), "hr": world.user("hr").id,
                                            "at": datetime(2026, 5, 6, 8, tzinfo=timezone.utc),
                                            "sha": hashlib.sha256(scan).hexdigest(), "scan": scan, "event": "e" * 64})
        db.session.remove()  # the upgrade below drops tables this session has read
        upgrade()
        sizes = db.session.execute(sa.text("SELECT scan_size FROM evidence_paper_receipts ORDER BY id")).scalars().all()
        assert sizes == [len(s) for s in SCANS]
        for scan in SCANS:
            assert scan_store.load(hashlib.sha256(scan).hexdigest()) == scan
        assert db.session.execute(sa.text("SELECT count(*) FROM stored_scans")).scalar_one() == 2
        db.session.rollback()
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(sa.text("UPDATE evidence_paper_receipts SET scan_size = 0"))
        downgrade(revision="0015")
        back = db.session.execute(sa.text("SELECT scan FROM evidence_paper_receipts ORDER BY id")).scalars().all()
        assert [bytes(b) for b in back] == list(SCANS)
        db.session.remove()
        db.engine.dispose()
