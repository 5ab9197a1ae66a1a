"""PostgreSQL cursors describe a result only when the description is read (portal.core.described):
what it holds is exactly psycopg's own, None exactly when psycopg's is, and the portal's engine
uses them."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa

from portal.core.described import Description, DescribedWhenRead
from portal.extensions import db
from tests.conftest import make_app

STATEMENTS = [
    "SELECT 1 AS one, 'a'::varchar(12) AS label, '2026-11-30 08:00+00'::timestamptz AS at, 2.50::numeric(9, 2) AS amount, NULL AS nothing",
    "SELECT n, n::text AS shown FROM generate_series(1, 3) AS n",
    "SELECT",  # a result with rows but no columns
    "SELECT 1 WHERE false",
]


def _described(cursor: psycopg.Cursor, statement: str) -> list[tuple[object, ...]] | None:
    cursor.execute(statement)
    description = cursor.description
    return None if description is None else [(*column, column.type_display) for column in description]


@pytest.fixture
def connections(postgres_url: str):
    url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    plain, described = psycopg.connect(url), psycopg.connect(url, cursor_factory=DescribedWhenRead)
    yield plain, described
    plain.close()
    described.close()


def test_the_description_read_is_psycopgs_own(connections):
    plain, described = connections
    for statement in [*STATEMENTS, "SET TIME ZONE 'UTC'", "CREATE TEMPORARY TABLE t (id int)"]:
        ours, theirs = described.cursor(), plain.cursor()
        assert _described(ours, statement) == _described(theirs, statement), statement
        if theirs.description is None:
            assert ours.description is None
        else:
            assert ours.fetchall() == theirs.fetchall()


def test_a_description_read_later_describes_its_own_result(connections):
    _plain, described = connections
    cursor = described.cursor()
    cursor.execute(STATEMENTS[0])
    first = cursor.description
    cursor.execute(STATEMENTS[1])
    assert isinstance(first, Description) and len(first) == 5 and [column.name for column in first] == [
        "one", "label", "at", "amount", "nothing"]
    assert [column.name for column in cursor.description] == ["n", "shown"]
    assert first[1:3] == [first[1], first[2]] and first[-1].name == "nothing"


def test_the_portals_engine_reads_through_them(postgres_url):
    application = make_app(postgres_url)
    with application.app_context():
        with db.engine.connect() as connection:
            assert isinstance(connection.connection.dbapi_connection.cursor(), DescribedWhenRead)
            statement = sa.select(sa.literal(7).label("seven"), sa.literal("七").label("text"))
            for _ in range(3):  # compiled once, then its kept metadata reads no description
                row = connection.execute(statement).one()
                assert row.seven == 7 and row._mapping["text"] == "七"
            assert connection.exec_driver_sql("SELECT 1 AS one").mappings().one() == {"one": 1}
        db.engine.dispose()
