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
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

WROTE = "portal_transaction_not_only_read"


def install(engine: sa.Engine) -> None:
    """End the read-only transactions of ``engine`` (a PostgreSQL one) with COMMIT."""
    sa.event.listen(engine, "begin", _begin)
    sa.event.listen(engine, "before_cursor_execute", _before_cursor_execute)
    sa.event.listen(engine, "rollback", _rollback)


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
