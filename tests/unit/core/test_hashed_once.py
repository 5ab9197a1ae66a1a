"""A statement built once and run on every request keeps its cache key's hash (portal.core.records.hashed_once):
it runs as before, from the compiled form SQLAlchemy keeps, which equal statements still share."""

from __future__ import annotations

import sqlalchemy as sa

from portal.core.records import hashed_once

METADATA = sa.MetaData()
PEOPLE = sa.Table("people", METADATA, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String))


def _statement(wanted: str = "id") -> sa.Select:
    rows = sa.select(PEOPLE.c.name.label("name"), sa.literal(1).label("position")).where(
        PEOPLE.c[wanted] == sa.bindparam("value"))
    both = sa.union_all(sa.select(PEOPLE.c.name.label("name"), sa.literal(0).label("position")).where(PEOPLE.c.id == 0), rows)
    return both.order_by(both.selected_columns.position)


def _engine() -> sa.Engine:
    engine = sa.create_engine("sqlite://")
    METADATA.create_all(engine)
    with engine.begin() as connection:
        connection.execute(PEOPLE.insert(), [{"id": 1, "name": "李强"}, {"id": 2, "name": "王芳"}])
    return engine


def test_a_hashed_statement_runs_from_the_kept_compiled_form_and_reads_the_same_rows():
    engine = _engine()
    hashed = hashed_once(_statement())
    with engine.connect() as connection:
        first = connection.execute(hashed, {"value": 2})
        assert first.all() == connection.execute(_statement(), {"value": 2}).all() == [("王芳", 1)]
        again = connection.execute(hashed, {"value": 1})
        assert again.context.cache_hit == engine.dialect.CACHE_HIT and again.all() == [("李强", 1)]


def test_the_key_is_sqlalchemys_own_with_its_hash_kept():
    hashed = hashed_once(_statement())
    kept = hashed._generate_cache_key()
    fresh = _statement()._generate_cache_key()
    assert hashed._generate_cache_key() is kept  # the same key, not built again
    assert kept.key == fresh.key and hash(kept.key) == hash(fresh.key) == hash(tuple(fresh.key))
    assert kept.key != _statement("name")._generate_cache_key().key


def test_an_equal_statement_shares_the_compiled_form_and_another_gets_its_own():
    engine = _engine()
    with engine.connect() as connection:
        connection.execute(hashed_once(_statement()), {"value": 1}).all()
        equal = connection.execute(_statement(), {"value": 1})
        assert equal.context.cache_hit == engine.dialect.CACHE_HIT
        other = connection.execute(hashed_once(_statement("name")), {"value": "王芳"})
        assert other.context.cache_hit == engine.dialect.CACHE_MISS and other.all() == [("王芳", 1)]
