"""The backup and restore drill of docs/deploy.md, run for real on PostgreSQL: dump, restore into a
fresh database, ``flask evidence verify`` OK as the app role (which owns no table), the app serves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from portal import PROJECT_ROOT
from portal.courses.models import Course
from portal.courses.operations import sync_courses
from portal.demo.operations import walk_through_course
from portal.evidence.ledger import SYSTEM
from portal.evidence.models import EvidenceEvent
from portal.evidence.operations import take_checkpoint
from portal.extensions import db
from tests.conftest import World, assign_course, login, make_app
from tests.postgres import find_bin_dir


def _seed(url: str) -> int:
    """A migrated database with an acknowledged course and a checkpoint; returns the event count."""
    application = make_app(url)
    with application.app_context():
        upgrade()
        world = World()
        sync_courses(PROJECT_ROOT / "courses", SYSTEM)
        course = db.session.execute(sa.select(Course).where(Course.slug == "injury-basics")).scalar_one()
        walk_through_course(assign_course(course, world.worker), world.user("worker").id)
        take_checkpoint()
        db.session.commit()
        events = db.session.execute(sa.select(sa.func.count(EvidenceEvent.id))).scalar_one()
        db.session.remove()
        db.engine.dispose()
    return events


@pytest.fixture
def databases(postgres_url: str):
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in ("drill_source", "drill_restored"):
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(sa.text("CREATE DATABASE drill_source"))
        if connection.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = 'portal_app'")).first() is None:
            connection.execute(sa.text("CREATE ROLE portal_app LOGIN"))
    base = postgres_url.rsplit("/", 1)[0]
    yield base
    with admin.connect() as connection:
        for name in ("drill_source", "drill_restored"):
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_the_restore_drill_verifies_the_ledger_and_the_restored_portal_serves(databases: str) -> None:
    events = _seed(f"{databases}/drill_source")
    address = sa.engine.make_url(databases + "/x")
    env = {**os.environ, "PGHOST": address.host, "PGPORT": str(address.port), "PGUSER": "portal",
           "PATH": f"{find_bin_dir()}:{Path(sys.executable).parent}:{os.environ['PATH']}",
           "PORTAL_SECRET_KEY": "restore-drill-test", "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("DATABASE_URL", None)
    drill = subprocess.run([str(PROJECT_ROOT / "scripts" / "restore-drill.sh"), "drill_source", "drill_restored",
                            "portal_app"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert drill.returncode == 0, drill.stderr
    assert f"OK: the whole ledger: {events} events" in drill.stdout
    assert "Restore drill OK" in drill.stdout

    restored = f"postgresql+psycopg://portal_app@{address.host}:{address.port}/drill_restored"
    application = make_app(restored)
    with application.app_context():
        client = application.test_client()
        assert client.get("/healthz").status_code == 200
        assert login(client, "worker").status_code == 303
        assert "injury-basics" in client.get("/learning/").get_data(as_text=True)
        # The app role owns no table: the ledger refuses changes by privilege, not only by trigger.
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            db.session.execute(sa.text("UPDATE evidence_events SET event_type = 'x'"))
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
