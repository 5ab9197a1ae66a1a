"""On PostgreSQL, a transaction that only read ends with COMMIT, so prepared statements survive it.

psycopg prepares a statement once it has run five times on a connection, and PostgreSQL then
skips parsing and, where its plan does not depend on the values, planning (a quarter to half a
millisecond for a page's joined statement). But psycopg forgets every prepared statement (and
deallocates them on the server) whenever a transaction is rolled back, and a request that only
read ends its transaction with a rollback. So nothing stayed prepared from one request to the next.

For a transaction that wrote nothing, COMMIT and ROLLBACK end it alike. A transaction counts as
read-only while every statement it ran was a SELECT (or a union of SELECTs) that SQLAlchemy
compiled; anything else (a flush, an INSERT, UPDATE or DELETE, a text statement, a savepoint,
DDL) marks it and it is rolled back exactly as before.

Each connection plans every statement once, for any values of its parameters (``plan_once``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

WROTE = "portal_transaction_not_only_read"


def install(engine: sa.Engine) -> None:
    """End the read-only transactions of ``engine`` (a PostgreSQL one) with COMMIT, and have its
    connections plan each statement once (``plan_once``)."""
    sa.event.listen(engine, "connect", plan_once)
    sa.event.listen(engine, "begin", _begin)
    sa.event.listen(engine, "before_cursor_execute", _before_cursor_execute)
    sa.event.listen(engine, "rollback", _rollback)


def plan_once(dbapi_connection: Any, _record: Any = None) -> None:
    """Plan every statement on this connection for any values of its parameters (PostgreSQL's
    ``plan_cache_mode``), as the portal writes its statements: a value a good plan depends on (a
    page size, a reader's departments, a filter's ids, a search's shape) is written into the
    statement's text; only keys, cursors and moments are bound. Left to choose, PostgreSQL compares
    each prepared statement's plan for any values with the plans for the first five runs' values,
    from statistics that autovacuum's sampling renews: a statement that then chose to be planned for
    each run's values was planned on every run, 0.2–0.6 ms for an employee page's statement, in two of
    eight benchmark runs and not in the others."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # the setting outlives any transaction
    try:
        dbapi_connection.execute("SET plan_cache_mode = force_generic_plan")
    finally:
        dbapi_connection.autocommit = autocommit


def _begin(connection: sa.Connection) -> None:
    connection.info[WROTE] = False


def _before_cursor_execute(connection: sa.Connection, _cursor: Any, _statement: str, _parameters: Any,
                           context: Any, executemany: bool) -> None:
    compiled = getattr(context, "compiled", None)
    if executemany or compiled is None or not isinstance(compiled.statement, (sa.Select, sa.CompoundSelect)):
        connection.info[WROTE] = True


def _rollback(connection: sa.Connection) -> None:
    """Commit first when the transaction only read: the rollback then finds none to end."""
    if connection.info.get(WROTE) is False:
        try:
            connection.connection.dbapi_connection.commit()
        except Exception:  # noqa: BLE001 (a broken connection: the rollback that follows deals with it)
            return
