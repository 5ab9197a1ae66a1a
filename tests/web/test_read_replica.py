"""Reports read from the read replica when one is configured; writes and every other page stay on
the primary. The replica here is a second PostgreSQL database that the test fills with a copy of
the primary and then changes, so which database a page read is visible in what it shows (streaming
replication would copy the change back out of sight; see docs/decisions.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import g

from portal.demo.operations import walk_through_course
from portal.extensions import db
from portal.org.models import Department, Employee
from tests.conftest import assign_course, login

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
SLUG = "injury-basics"
REPLICA_NAME = "副本员工"


@pytest.fixture(scope="module")
def replica_url(postgres_schema: str) -> Iterator[str]:
    postgres_url = postgres_schema  # after the app has imported every model
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS portal_replica WITH (FORCE)"))
        connection.execute(sa.text("CREATE DATABASE portal_replica"))
    url = postgres_url.rsplit("/", 1)[0] + "/portal_replica"
    schema = sa.create_engine(url)
    db.metadata.create_all(schema)
    schema.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE portal_replica WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def app_config(replica_url: str) -> dict[str, str]:
    return {"DATABASE_REPLICA_URL": replica_url}


@pytest.fixture
def replica(app, world, courses) -> Iterator[sa.Engine]:
    """The replica holds what the primary holds, except one employee's name."""
    walk_through_course(assign_course(courses[SLUG], world.worker), world.user("worker").id)
    engine = app.extensions["portal_replica"]
    tables = db.metadata.sorted_tables
    with engine.begin() as connection:
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))  # the ledger refuses TRUNCATE
        connection.execute(sa.text(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY CASCADE"))
        for table in tables:
            rows = [dict(r) for r in db.session.execute(sa.select(table)).mappings()]
            if rows:
                connection.execute(table.insert(), rows)
        connection.execute(sa.update(Employee.__table__).where(Employee.__table__.c.number == "E001")
                           .values(name=REPLICA_NAME))
    yield engine
    db.session.remove()
    engine.dispose()


def test_the_matrix_and_its_export_read_the_replica(client, replica):
    login(client, "hr")
    page = client.get(f"/records/courses/{SLUG}").get_data(as_text=True)
    assert REPLICA_NAME in page and "李强" not in page
    export = client.get(f"/records/courses/{SLUG}/export.csv").get_data(as_text=True)
    names = [row[1] for row in csv.reader(io.StringIO(export.lstrip("\ufeff")))]
    assert REPLICA_NAME in names and "李强" not in names


def test_pages_that_are_not_reports_read_the_primary(client, replica):
    login(client, "hr")
    body = client.get("/employees").get_data(as_text=True)
    assert "李强" in body and REPLICA_NAME not in body


def test_inside_a_report_writes_and_locking_reads_go_to_the_primary(app, replica):
    by_name = sa.select(Employee.name).where(Employee.number == "E001")
    with app.test_request_context():
        g.portal_reads_replica = True
        assert db.session.execute(by_name).scalar_one() == REPLICA_NAME
        assert db.session.execute(by_name.with_for_update()).scalar_one() == "李强"
        db.session.add(Department(code="NEW", name_zh="新车间", name_en="New workshop"))
        db.session.commit()
        g.portal_reads_replica = False
        assert db.session.execute(by_name).scalar_one() == "李强"
    db.session.remove()
    assert db.session.execute(sa.select(Department.id).where(Department.code == "NEW")).scalar_one_or_none()
    with replica.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM departments WHERE code = 'NEW'")).scalar_one() == 0
