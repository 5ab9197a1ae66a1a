"""Reports read from the read replica when one is configured; writes and every other page stay on
the primary. The replica is a real hot standby: a base backup of the primary, streaming its WAL.
With replay paused on the standby, a change on the primary is visible only there, so what a page
shows tells which server it read; resuming replay brings the report up to date."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import g

from portal.demo.operations import walk_through_course
from portal.extensions import db
from portal.org.models import Department, Employee
from tests.conftest import assign_course, login, make_app
from tests.ports import free_port
from tests.postgres import PostgresServer

SLUG = "injury-basics"
RENAMED = "李强强"
REPLAY_WAIT_SECONDS = 120  # a ceiling for a busy machine, not an expected duration


class StreamingPair:
    """A primary and a hot standby made from its base backup, streaming its WAL."""

    def __init__(self) -> None:
        self.primary = PostgresServer()
        self.standby_port = free_port()

    def start(self) -> tuple[str, str]:
        primary_url = self.primary.start()
        standby = self.primary.base / "standby"
        self.primary._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "portal",
                          "-D", str(standby), "-R", "-X", "stream", "-c", "fast")
        options = f"-p {self.standby_port} -k {self.primary.base} -h 127.0.0.1 -c hot_standby=on"
        self.primary._run("pg_ctl", "-D", str(standby), "-o", options, "-l",
                          str(self.primary.base / "standby.log"), "-w", "start")
        self.standby_data = standby
        return primary_url, primary_url.replace(f":{self.primary.port}/", f":{self.standby_port}/")

    def stop(self) -> None:
        try:
            self.primary._run("pg_ctl", "-D", str(self.standby_data), "-m", "immediate", "-w", "stop")
        finally:
            self.primary.stop()


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[str, str]]:
    pair = StreamingPair()
    urls = pair.start()
    schema = make_app(urls[0])
    with schema.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    yield urls
    pair.stop()


@pytest.fixture
def database_url(servers: tuple[str, str]) -> str:
    return servers[0]


@pytest.fixture
def app_config(servers: tuple[str, str]) -> dict[str, str]:
    return {"DATABASE_REPLICA_URL": servers[1]}


def replayed(app) -> None:
    """Wait until the standby has replayed everything the primary has written so far: up to the
    primary's insert position, since with ``synchronous_commit=off`` (the suite's servers) a commit
    returns before its record reaches the write position that ``pg_current_wal_lsn`` gives."""
    with db.engine.connect() as primary:
        written = primary.execute(sa.text("SELECT pg_current_wal_insert_lsn()")).scalar_one()
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    with app.extensions["portal_replica"].connect() as standby:
        while not standby.execute(sa.text("SELECT pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)"),
                                  {"lsn": written}).scalar_one():
            assert time.monotonic() < deadline, "the standby did not replay the primary's WAL"
            time.sleep(0.05)


@pytest.fixture
def paused_standby(app, world, courses) -> Iterator[None]:
    """The standby holds what the primary holds, then stops replaying; the primary renames Li."""
    walk_through_course(assign_course(courses[SLUG], world.worker), world.user("worker").id)
    replayed(app)
    standby = app.extensions["portal_replica"]
    with standby.connect() as connection:
        connection.execute(sa.text("SELECT pg_wal_replay_pause()"))
        # Pausing is only a request: replay stops when the standby next checks, which on a busy
        # machine can come after the rename below has been replayed.
        deadline = time.monotonic() + REPLAY_WAIT_SECONDS
        while connection.execute(sa.text("SELECT pg_get_wal_replay_pause_state()")).scalar_one() != "paused":
            assert time.monotonic() < deadline, "the standby did not pause its replay"
            time.sleep(0.05)
    world.worker.name = RENAMED
    db.session.commit()
    yield
    with standby.connect() as connection:
        connection.execute(sa.text("SELECT pg_wal_replay_resume()"))
    db.session.remove()
    standby.dispose()


def export_names(client) -> list[str]:
    export = client.get(f"/records/courses/{SLUG}/export.csv").get_data(as_text=True)
    return [row[1] for row in csv.reader(io.StringIO(export.lstrip("\ufeff")))]


def test_the_matrix_and_its_export_read_the_standby_until_it_replays(app, client, paused_standby):
    login(client, "hr")
    page = client.get(f"/records/courses/{SLUG}").get_data(as_text=True)
    assert "李强" in page and RENAMED not in page
    assert "李强" in export_names(client) and RENAMED not in export_names(client)

    with app.extensions["portal_replica"].connect() as connection:
        connection.execute(sa.text("SELECT pg_wal_replay_resume()"))
    replayed(app)
    assert RENAMED in client.get(f"/records/courses/{SLUG}").get_data(as_text=True)
    assert RENAMED in export_names(client)


def test_pages_that_are_not_reports_read_the_primary(client, paused_standby):
    login(client, "hr")
    body = client.get("/employees").get_data(as_text=True)
    assert RENAMED in body


def test_inside_a_report_writes_and_locking_reads_go_to_the_primary(app, paused_standby):
    """The standby refuses writes and row locks outright, so these only succeed on the primary."""
    by_name = sa.select(Employee.name).where(Employee.number == "E001")
    with app.test_request_context():
        g.portal_reads_replica = True
        assert db.session.execute(by_name).scalar_one() == "李强"
        assert db.session.execute(by_name.with_for_update()).scalar_one() == RENAMED
        db.session.add(Department(code="NEW", name_zh="新车间", name_en="New workshop"))
        db.session.commit()
        g.portal_reads_replica = False
        assert db.session.execute(by_name).scalar_one() == RENAMED
    db.session.remove()
    assert db.session.execute(sa.select(Department.id).where(Department.code == "NEW")).scalar_one_or_none()
    with app.extensions["portal_replica"].connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM departments WHERE code = 'NEW'")).scalar_one() == 0


def test_the_matrix_counts_read_the_standby_with_its_rows(app, client, world, courses, paused_standby):
    """The course with its counts and the page's rows come from the same server: an assignment
    made on the primary is neither a row nor a count until the standby replays it."""
    assign_course(courses[SLUG], world.outsider)
    db.session.commit()
    login(client, "hr")
    page = client.get(f"/records/courses/{SLUG}").get_data(as_text=True)
    assert "未开始</span> 0" in page and "陈晓雨" not in page

    with app.extensions["portal_replica"].connect() as connection:
        connection.execute(sa.text("SELECT pg_wal_replay_resume()"))
    replayed(app)
    page = client.get(f"/records/courses/{SLUG}").get_data(as_text=True)
    assert "未开始</span> 1" in page and "陈晓雨" in page
