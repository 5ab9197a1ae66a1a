"""Computed parts of pages kept until something they are computed from changes.

A domain names what a kind of part is computed from with :func:`watch`: models, and for each the
columns whose change matters. Any write to them, through the session's unit of work or a
statement run by the session, gives that watch a new random stamp in ``kept_stamps``, written
last in the same transaction, just before it commits. A watch may be split in stripes by employee (``employee_id`` modulo the stripes), so
writers about different people rarely renew the same row. A part is kept under a key made of the
watches' stamps and everything else it is computed from (the day, the reader's language and
policy inputs, the request's arguments), so it is reused only while none of these changed.

Parts are kept in each server process, in one bounded map; several processes each keep their own
and agree through the stamps they read from the database.
"""

from __future__ import annotations

import threading
import uuid
from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, request
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.core.records import one_of
from portal.core.upsert import insert_ignoring_conflicts
from portal.extensions import db

EXTENSION = "kept_parts"
PENDING = "kept_stamps_pending"  # (watch, stripe) pairs the session's transaction renews when it commits
RENEWED = "kept_stamps_renewed"  # those renewed already
COMMITTING = "kept_stamps_committing"
KEPT_PARTS = 512
KEPT_CHARACTERS = 20_000_000  # about 40–80 MB of HTML per server process at most
T = TypeVar("T")


class KeptStamp(db.Model):
    """One stamp per watch and stripe, renewed in every transaction that writes what it watches."""

    __tablename__ = "kept_stamps"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    stripe: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[str] = mapped_column(sa.String(32))


@dataclass(frozen=True)
class Watch:
    name: str
    models: dict[type, tuple[str, ...] | None]  # each model, with the columns that matter (None: all)
    stripes: int = 1

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(model.__tablename__ for model in self.models)

    def renewed_by_update(self, table: str, columns: set[str] | None) -> bool:
        """Whether an UPDATE of ``table`` setting ``columns`` (None: not known) may change what this watches."""
        watched = next(cols for model, cols in self.models.items() if model.__tablename__ == table)
        return watched is None or columns is None or not columns.isdisjoint(watched)

    def stripe_of(self, row: Any) -> int | None:
        """The row's stripe, or None when it may concern anyone (every stripe is renewed)."""
        employee_id = getattr(row, "employee_id", None)
        return self.stripe_for(employee_id) if self.stripes > 1 and employee_id is not None else None

    def stripe_for(self, employee_id: int) -> int:
        """The stripe whose stamp is renewed by writes about this employee."""
        return employee_id % self.stripes


WATCHES: dict[str, Watch] = {}


def watch(name: str, models: dict[type, tuple[str, ...] | None], stripes: int = 1) -> Watch:
    WATCHES[name] = Watch(name, models, stripes)
    return WATCHES[name]


def _changed(row: Any, session: Session, columns: tuple[str, ...] | None) -> bool:
    if columns is None:
        return session.is_modified(row)
    return any(sa.inspect(row).attrs[name].history.has_changes() for name in columns)


def _changed_stripes(session: Session, one: Watch) -> set[int]:
    stripes: set[int] = set()
    rows = chain(((row, True) for row in chain(session.new, session.deleted)), ((row, False) for row in session.dirty))
    for row, whole in rows:
        kind = type(row)
        if kind in one.models and (whole or _changed(row, session, one.models[kind])):
            stripe = one.stripe_of(row)
            stripes.update(range(one.stripes) if stripe is None else (stripe,))
            if not whole:
                stripes.update(_former_stripes(row, one))
            if len(stripes) == one.stripes:
                break
    return stripes


def _former_stripes(row: Any, one: Watch) -> Iterable[int]:
    """A row moved to another employee concerns the one it leaves too (anyone, when it left none or
    the value it left was not loaded)."""
    state = sa.inspect(row)
    if one.stripes == 1 or "employee_id" not in state.attrs:
        return ()
    history = state.attrs["employee_id"].history
    if not history.added:
        return ()
    former = history.deleted
    return range(one.stripes) if not former or None in former else {one.stripe_for(e) for e in former}


def new_stamp() -> str:
    return uuid.uuid4().hex


def _note(session: Session, one: Watch, stripes: Iterable[int]) -> None:
    """Renew these stamps when the transaction commits (at once if it is committing already)."""
    pending = session.info.setdefault(PENDING, set())
    pending.update((one.name, stripe) for stripe in stripes)
    if session.info.get(COMMITTING):
        _write_stamps(session)


def _write_stamps(session: Session) -> None:
    """New stamps for the transaction's changes, written last, just before the commit: the stamp
    rows are then the last locks a writer takes, so two writers never wait on each other's stamps
    while holding other rows (the stripes of a watch are locked in ascending order, by one UPDATE
    over the primary key). Rows a test emptied are created again. A database not yet migrated this
    far has no stamps to renew (checked once per connection)."""
    renewed = session.info.setdefault(RENEWED, set())
    due = sorted(session.info.get(PENDING, set()) - renewed)
    if not due:
        return
    connection = session.connection()
    if not connection.info.get(KeptStamp.__tablename__):
        if not sa.inspect(connection).has_table(KeptStamp.__tablename__):
            return
        connection.info[KeptStamp.__tablename__] = True
    renewed.update(due)
    for name in sorted({n for n, _ in due}):
        stripes = [s for n, s in due if n == name]
        done = connection.execute(sa.update(KeptStamp).where(KeptStamp.name == name, KeptStamp.stripe.in_(stripes))
                                  .values(stamp=new_stamp()))
        if done.rowcount < len(stripes):
            connection.execute(insert_ignoring_conflicts(KeptStamp, ["name", "stripe"]),
                               [{"name": name, "stripe": s, "stamp": new_stamp()} for s in range(WATCHES[name].stripes)])


@sa.event.listens_for(Session, "before_commit")
def _on_commit(session: Session) -> None:
    session.flush()  # what the commit would flush next, so that its changes are noted too
    session.info[COMMITTING] = True
    _write_stamps(session)


@sa.event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    """The next transaction renews its own stamps (a savepoint's end changes nothing)."""
    if transaction.parent is None:
        for name in (PENDING, RENEWED, COMMITTING):
            session.info.pop(name, None)


@sa.event.listens_for(Session, "before_flush")
def _on_flush(session: Session, _context: Any, _instances: Any) -> None:
    for one in WATCHES.values():
        stripes = _changed_stripes(session, one)
        if stripes:
            _note(session, one, stripes)


@sa.event.listens_for(Session, "do_orm_execute")
def _on_statement(state: sa.orm.ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        name = getattr(getattr(state.statement, "table", None), "name", None)
        columns = _columns_set(state.statement) if state.is_update else None
        for one in WATCHES.values():
            if name in one.tables and (columns is None or one.renewed_by_update(name, columns)):
                _note(state.session, one, range(one.stripes))


def _columns_set(statement: Any) -> set[str] | None:
    """The columns an UPDATE sets through ``values()``; None when it names none (an update by
    the rows given with it, whose columns are not read here: any may change)."""
    values = getattr(statement, "_values", None)
    return {getattr(key, "key", key) for key in values} if values else None


@sa.event.listens_for(KeptStamp.__table__, "after_create")
def _first_stamps(table: sa.Table, connection: sa.Connection, **_: Any) -> None:
    rows = [{"name": one.name, "stripe": s, "stamp": new_stamp()} for one in WATCHES.values() for s in range(one.stripes)]
    if rows:
        connection.execute(table.insert(), rows)


def current_stamps(*names: str) -> tuple[str, ...] | None:
    """The stamps of the named watches, in one statement; None while any row is missing."""
    rows = db.session.execute(_stamps_of(names)).scalars().all()
    return tuple(rows) if len(rows) == sum(WATCHES[n].stripes for n in names) else None


@lru_cache(maxsize=64)
def _stamps_of(names: tuple[str, ...]) -> sa.Select:
    """The statement reading these watches' stamps, built once (on the table: no ORM entity to load)."""
    table = KeptStamp.__table__
    return sa.select(table.c.stamp).where(one_of(table.c.name, names)).order_by(table.c.name, table.c.stripe)


def _size(value: Any) -> int:
    """Characters held: kept parts are HTML (or tuples of HTML, some with their UTF-8 bytes, counted
    too); an array of numbers counts its bytes."""
    if isinstance(value, tuple):
        return sum(map(_size, value))
    if isinstance(value, str):
        return len(value) + len(getattr(value, "utf8", b""))
    if isinstance(value, bytes):
        return len(value)
    return value.itemsize * len(value) if isinstance(value, array) else 1


class KeptParts:
    """The most recently used parts, at most ``most`` (:data:`KEPT_PARTS`) holding at most
    :data:`KEPT_CHARACTERS` characters, shared by a process's threads."""

    def __init__(self, most: int | None = None) -> None:
        self._most = KEPT_PARTS if most is None else most
        self._parts: OrderedDict[Hashable, Any] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:  # one lookup and one move: a list's key is long to hash and compare
            value = self._parts.get(key)
            if value is not None:
                self._parts.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        size = _size(value)
        with self._lock:
            self._parts[key], self._sizes[key] = value, size
            self._parts.move_to_end(key)
            while len(self._parts) > self._most or (len(self._parts) > 1 and sum(self._sizes.values()) > KEPT_CHARACTERS):
                oldest, _ = self._parts.popitem(last=False)
                del self._sizes[oldest]

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()
            self._sizes.clear()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = KeptParts()


def kept_parts() -> KeptParts:
    return current_app.extensions[EXTENSION]


def kept(key: Hashable, compute: Callable[[], T], parts: KeptParts | None = None) -> T:
    """``compute()``, or what it returned before under ``key`` (with the request's script root, so
    links stay right behind any prefix), in ``parts`` or the process's shared map."""
    key = (request.script_root, key)
    parts = kept_parts() if parts is None else parts
    value = parts.get(key)
    if value is None:
        value = compute()
        parts.put(key, value)
    return value


def stripe_stamp(name: str, stripe: Any = None) -> sa.ScalarSelect:
    """The stamp of one stripe of the named watch (``stripe``, by default the parameter ``stripe``:
    :meth:`Watch.stripe_for` an employee), as a subquery, so that a page about one person reads it
    in one statement with whatever else it is kept by."""
    stripe = sa.bindparam("stripe") if stripe is None else stripe
    return sa.select(KeptStamp.stamp).where(KeptStamp.name == name, KeptStamp.stripe == stripe).scalar_subquery()


def kept_under(stamps: tuple[str | None, ...] | None, key: Hashable, compute: Callable[[], T]) -> T:
    """:func:`kept` while these stamps, read by the caller, stay the same. Without stamps, or inside
    a transaction that changed what a watch watches (its stamps are renewed at commit), nothing is kept."""
    value = known_under(stamps, key)
    if value is None:
        value = compute()
        keep_under(stamps, key, value)
    return value


def known_under(stamps: tuple[str | None, ...] | None, key: Hashable) -> Any:
    """What :func:`keep_under` kept under ``key`` and these stamps, or None."""
    return kept_parts().get((request.script_root, (stamps, key))) if _keeping(stamps) else None


def keep_under(stamps: tuple[str | None, ...] | None, key: Hashable, value: Any) -> None:
    """Keep ``value`` (not None) while these stamps, read by the caller, stay the same (see :func:`kept_under`).
    For a value only some of whose outcomes depend on nothing but what the watches watch: the
    caller keeps those alone."""
    if _keeping(stamps):
        kept_parts().put((request.script_root, (stamps, key)), value)


def _keeping(stamps: tuple[str | None, ...] | None) -> bool:
    return stamps is not None and None not in stamps and not db.session.info.get(PENDING)  # nothing from a transaction still writing


def kept_while(names: tuple[str, ...], key: Hashable, compute: Callable[[], T]) -> T:
    """:func:`kept_under` the named watches' stamps."""
    return kept_under(current_stamps(*names), (names, key), compute)
