"""On PostgreSQL a transaction that only read ends with COMMIT, so psycopg keeps the statements it
prepared (it forgets them at every rollback); a transaction that wrote anything is rolled back
exactly as before; every statement is planned once, for any values (portal/core/read_only.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.org.models import Department
from tests.conftest import login

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

PREPARE_AFTER = 5  # psycopg prepares a statement on its fifth run on a connection


def prepared_on(connection: sa.Connection) -> int:
    return connection.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar_one()


def _driver_connection() -> object:
    return db.session.connection().connection.dbapi_connection


def test_statements_prepared_in_one_read_stay_prepared_for_the_next(app):
    first = _driver_connection()
    for _ in range(PREPARE_AFTER + 1):
        db.session.execute(sa.select(Department.id).where(Department.code == "none")).all()
    db.session.close()  # ends the read: COMMIT, not ROLLBACK
    assert _driver_connection() is first  # the pool hands the same connection back
    assert prepared_on(db.session.connection()) >= 1
    db.session.close()


def test_pages_read_on_one_connection_reuse_their_prepared_statements(app, client, world):
    login(client, "worker")
    for _ in range(PREPARE_AFTER + 2):
        assert client.get("/learning/").status_code == 200
    with db.engine.connect() as connection:
        assert prepared_on(connection) >= 2  # the account's statement and the page's


def test_every_connection_plans_each_statement_once_for_any_values(app, client, world):
    """The employee pages' statements are planned once, for any values: never for each run's values,
    whatever PostgreSQL's statistics would have it choose (``read_only.plan_once``); the setting
    outlives the transactions ended by rollback."""
    login(client, "worker")
    for path in ("/learning/", "/notices/") * (PREPARE_AFTER + 3):
        assert client.get(path).status_code == 200
    with db.engine.connect() as connection:
        plans = connection.exec_driver_sql("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                                           "WHERE statement LIKE 'SELECT users.id%%'").all()
        connection.rollback()  # (which also forgets the prepared statements)
        assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "force_generic_plan"
    assert len(plans) >= 2 and all(generic > 0 and custom == 0 for generic, custom in plans), plans


def _insert_orm() -> None:
    db.session.add(Department(code="ORM", name_zh="部门", name_en="Dept"))
    db.session.flush()


def _insert_text() -> None:
    db.session.execute(sa.text("INSERT INTO departments (code, name_zh, name_en) VALUES ('TXT', '部门', 'Dept')"))


def _insert_core() -> None:
    db.session.execute(sa.insert(Department).values(code="CORE", name_zh="部门", name_en="Dept"))


def _insert_in_savepoint() -> None:
    with db.session.begin_nested():
        db.session.add(Department(code="NEST", name_zh="部门", name_en="Dept"))


def _update_core() -> None:
    db.session.execute(sa.update(Department).values(name_en="Changed"))


WRITES: dict[str, Callable[[], None]] = {
    "a flush": _insert_orm, "a text statement": _insert_text, "a Core insert": _insert_core,
    "a savepoint": _insert_in_savepoint, "an update": _update_core,
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("reads_after", [False, True])
def test_a_transaction_that_wrote_is_rolled_back(app, world, write, reads_after):
    before = db.session.execute(sa.select(Department.code, Department.name_en).order_by(Department.id)).all()
    db.session.close()
    db.session.execute(sa.select(Department.id)).all()  # a read first does not make it read-only
    WRITES[write]()
    if reads_after:
        db.session.execute(sa.select(Department.id)).all()
    db.session.rollback()
    assert db.session.execute(sa.select(Department.code, Department.name_en).order_by(Department.id)).all() == before
    WRITES[write]()
    db.session.close()  # a request's end after an error: the same rollback
    assert db.session.execute(sa.select(Department.code, Department.name_en).order_by(Department.id)).all() == before


def test_a_request_that_fails_after_writing_leaves_nothing(app, client, world):
    @app.get("/test/write-then-fail")
    def write_then_fail() -> str:
        _insert_orm()
        raise RuntimeError("after the write")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/test/write-then-fail").status_code == 500
    assert db.session.execute(sa.select(Department.id).where(Department.code == "ORM")).first() is None


def test_one_request_after_another_takes_the_connection_used_last(app):
    """The pool hands out the connection returned last: the one whose statements are prepared
    (a pool cycling through its connections would prepare each statement on each of them)."""
    first, second = db.engine.connect(), db.engine.connect()
    used_last = second.connection.dbapi_connection
    first.close()
    second.close()
    with db.engine.connect() as again:
        assert again.connection.dbapi_connection is used_last
