"""Helpers shared by models and operations of several domains."""

from __future__ import annotations

import json
from functools import lru_cache
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

import click
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.base import instance_state
from sqlalchemy.orm.util import identity_key
from sqlalchemy.orm.attributes import set_committed_value

from portal.core.tabular import EXPORT_BATCH
from portal.extensions import db

T = TypeVar("T")


class HasSnapshot:
    """A version row whose ``snapshot_json`` is the exact, immutable content it stands for."""

    snapshot_json: str

    @property
    def snapshot(self) -> dict[str, Any]:
        """The parsed content, shared by every row with the same text (read it, never change it)."""
        return _parsed_snapshot(self.snapshot_json)


@lru_cache(maxsize=256)
def _parsed_snapshot(text: str) -> dict[str, Any]:
    """Versions never change, and a page lists or shows the same few again and again."""
    return json.loads(text)


def one_of(column: sa.ColumnElement[Any], values: Iterable[Any]) -> sa.ColumnElement[bool]:
    """``column IN (values)``, each value a parameter of its own, for a statement built once and run
    on every request: SQLAlchemy writes a list parameter's values into the statement's text at every
    run (a rewrite of the whole statement's text, as long as a small statement takes to run)."""
    listed = [sa.literal(value, column.type) for value in values]
    return column.in_(listed) if listed else sa.false()


def joined_strings(expression: sa.ColumnElement[str], separator: str) -> sa.ColumnElement[str]:
    """The strings of ``expression`` joined with ``separator`` (an aggregate), the separator written
    into the statement once (SQLAlchemy writes it in at every run: see ``one_of``)."""
    return sa.func.aggregate_strings(expression, sa.literal_column("'" + separator.replace("'", "''") + "'"))


class _HashedKey(tuple):
    """A statement's cache key whose hash is worked out once (a tuple's is worked out on every use)."""

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined, no-any-return]


S = TypeVar("S", bound=sa.sql.Executable)


def hashed_once(statement: S) -> S:
    """``statement``, built once and run on every request, with the hash of its cache key worked out
    once. SQLAlchemy looks its compiled form up by that key on every run and hashes it again each
    time: for the account's statement with a page's rows, a nested tuple of about 2,000 items, 5 to
    10 µs a request. The key itself is SQLAlchemy's, so equal statements still share one compiled
    form (``tests/unit/core/test_hashed_once.py``)."""
    key = statement._generate_cache_key()
    if key is not None:
        hashed = _HashedKey(key.key)
        hashed._hash = tuple.__hash__(hashed)  # type: ignore[attr-defined]
        kept = key._replace(key=hashed)
        statement.__dict__["_generate_cache_key"] = lambda: kept  # where SQLAlchemy memoizes it too
    return statement


def plain_rows(statement: sa.Select, params: dict[str, Any]) -> sa.CursorResult[Any]:
    """The rows of a statement that selects columns only (no records), run on the session's
    connection in its transaction without the ORM's execution layer, which costs as much as the
    statement itself on a small read. What the session holds unwritten is flushed first, as its
    own ``execute`` would."""
    db.session.flush()
    return db.session.connection().execute(statement, params)


@lru_cache(maxsize=None)
def _attribute_names(model: type) -> tuple[str, ...]:
    mapper = sa.inspect(model)
    return tuple(mapper.get_property_by_column(column).key for column in model.__table__.columns)


@lru_cache(maxsize=None)
def _key_positions(model: type) -> tuple[int, ...]:
    columns = list(model.__table__.columns)
    return tuple(columns.index(column) for column in sa.inspect(model).primary_key)


def record_from_columns(model: type[T], values: Sequence[Any], **related: Any) -> T:
    """A record of ``model`` from its table's columns in their order (read by a plain statement)
    and ``related`` records (made by this function first), put in the session as stored, as a
    query would have loaded it: for a read on every request, where the ORM's loading costs as much
    as the statement. The session holds it like any record: changes are written on flush, lazy
    attributes load. When the session holds that row already, that record is returned unchanged.

    It is put in the session as ``Session.add`` puts a stored record, without ``add``'s walk
    through every relationship for records to add with it (which cost as much again): the only
    related records are ``related``, in the session already."""
    held = db.session.identity_map.get(identity_key(model, tuple(values[i] for i in _key_positions(model))))
    if held is not None:
        return held
    record = sa.inspect(model).class_manager.new_instance()
    record.__dict__.update(zip(_attribute_names(model), values), **related)
    make_transient_to_detached(record)
    db.session()._update_impl(instance_state(record))
    return record


def streamed(statement: sa.Select, parameters: Mapping[str, Any] | None = None) -> sa.Result[Any]:
    """The rows of ``statement`` read ``EXPORT_BATCH`` at a time (a server-side cursor on PostgreSQL),
    for a whole-table export: memory holds one batch, whatever the table's length."""
    return db.session.execute(statement, dict(parameters or {}), execution_options={"yield_per": EXPORT_BATCH})


def columns_of(*models: type) -> list[sa.Column[Any]]:
    """The columns of each model's table in turn: a plain statement's selection of several records."""
    return [column for model in models for column in model.__table__.columns]


def split_columns(row: Sequence[Any], models: Sequence[type]) -> list[tuple[Any, ...]]:
    """A row read with :func:`columns_of` ``models``, cut into each model's values (for
    :func:`record_from_columns`)."""
    parts, start = [], 0
    for model in models:
        width = len(model.__table__.columns)
        parts.append(tuple(row[start:start + width]))
        start += width
    return parts


_INSERTS: dict[str, sa.Insert] = {}


def add_once(record: T, existing: sa.Select[tuple[T]]) -> tuple[T, bool]:
    """Store ``record``, a new record holding column values only; if a unique constraint says it is
    already there (a concurrent double submit won the race), roll back and return the stored one.
    Returns (the stored record, created).

    One INSERT … RETURNING every column, its result made the record in the session as stored
    (:func:`record_from_columns`): an acknowledgement's hot path, where the unit of work's flush of
    one new record cost twice the statement. Column defaults apply as on a flush."""
    model = type(record)
    table = model.__table__
    statement = _INSERTS.get(table.name)
    if statement is None:
        statement = _INSERTS[table.name] = table.insert().returning(*table.columns)
    names = _attribute_names(model)
    if not record.__dict__.keys() <= {*names, "_sa_instance_state"}:  # a related record would not be stored
        raise TypeError(f"add_once stores column values only, not {sorted(record.__dict__.keys() - set(names))}")
    values = {column.key: record.__dict__[name] for column, name in zip(table.columns, names) if name in record.__dict__}
    db.session.flush()  # what the session holds unwritten goes first, as with a flush of the record
    try:
        stored = db.session.execute(statement, values).one()
    except IntegrityError:
        db.session.rollback()
        return db.session.execute(existing).scalar_one(), False
    return record_from_columns(model, stored), True


_UPDATES: dict[tuple[str, tuple[str, ...]], sa.Update] = {}


def store_values(record: Any, **values: Any) -> None:
    """Write ``values`` into a flushed row with one UPDATE by its ``id`` and show them on the object
    as stored, for a request's hot path: the statement is built once per table and columns, and no
    flush bookkeeping runs. For columns named as their attributes; the session runs the statement,
    so its execute events and the database's triggers see it as any other (flush events do not)."""
    table = type(record).__table__
    key = (table.name, tuple(sorted(values)))
    statement = _UPDATES.get(key)
    if statement is None:
        statement = _UPDATES[key] = (table.update().where(table.c.id == sa.bindparam("row_id"))
                                     .values({name: sa.bindparam(f"new_{name}") for name in key[1]}))
    db.session.execute(statement, {"row_id": record.id, **{f"new_{name}": value for name, value in values.items()}})
    for name, value in values.items():
        set_committed_value(record, name, value)


def commit_keeping_loaded() -> None:
    """Commit without expiring what the session holds, for a request that goes on to show the rows
    it just wrote: they hold exactly what was stored (no trigger or default changes them), so
    reading them all again would only repeat the page's queries."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def echo_file_errors(errors: list[Any], folder: object) -> click.ClickException:
    """Print each ``file:line: reason`` and return the exception that ends a failed sync."""
    for error in errors:
        click.echo(f"error: {error}", err=True)
    return click.ClickException(f"{len(errors)} problem(s) in {folder}; nothing was loaded.")
