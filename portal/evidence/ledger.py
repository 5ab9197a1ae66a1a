"""The one writer of ledger events. Every push, open, read, quiz attempt and acknowledgement in the
portal goes through ``append_event`` (or, for batch jobs, ``append_events``), in the caller's
transaction, so an event is stored exactly when the change it records is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.util import identity_key
from sqlalchemy.orm.attributes import set_committed_value

from portal.core.types import utcnow
from portal.evidence.chain import GENESIS, chain_key, event_body, link_hash, name_hash
from portal.evidence.models import ChainHead, EvidenceEvent
from portal.extensions import db
from portal.org.models import Employee
from portal.signals import evidence_recorded

CHAIN_OPENED = "chain_opened"


@dataclass(frozen=True)
class Origin:
    """Where an event came from: the client address and device, and the channel it used."""

    channel: str = "portal"
    ip: str | None = None
    user_agent: str | None = None
    session: str | None = None


SYSTEM = Origin(channel="system")


@dataclass(frozen=True)
class ContentRef:
    """The exact content an event is about: kind, id, version and the SHA-256 of what was shown."""

    kind: str
    id: str
    version: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class NewEvent:
    """One event for ``append_events``: what ``append_event`` takes, as a value."""

    event_type: str
    employee_id: int | None
    actor_user_id: int | None
    origin: Origin
    content: ContentRef | None = None
    payload: Mapping[str, Any] | None = None


class _Head:
    """A chain's head as locked for this transaction: the chain, its last seq and hash."""

    __slots__ = ("chain", "seq", "hash")

    def __init__(self, chain: str, seq: int, hash: str) -> None:
        self.chain, self.seq, self.hash = chain, seq, hash


_HEADS = ChainHead.__table__
# Built once: these run inside the write lock every other writer of the chain waits for.
_LOCK_HEAD = sa.select(_HEADS.c.seq, _HEADS.c.hash).where(_HEADS.c.chain == sa.bindparam("chain")).with_for_update()
_INSERT_EVENT = EvidenceEvent.__table__.insert()
_ADVANCE_HEAD = (_HEADS.update().where(_HEADS.c.chain == sa.bindparam("b_chain"))
                 .values(seq=sa.bindparam("b_seq"), hash=sa.bindparam("b_hash")))


def append_event(
    event_type: str,
    *,
    employee_id: int | None,
    actor_user_id: int | None,
    origin: Origin,
    content: ContentRef | None = None,
    payload: Mapping[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> EvidenceEvent:
    """Append one event to its chain (flushed, not committed: the caller's commit stores it).

    An employee's chain opens with an event that binds their number and name hash, so a pack
    cannot be relabelled to another employee."""
    head = _locked_head(chain_key(employee_id))
    moment = occurred_at or utcnow()
    spec = NewEvent(event_type, employee_id, actor_user_id, origin, content, payload)
    if _needs_identity(head.seq, spec):
        _store(head, _identity_event(employee_id), moment)  # type: ignore[arg-type]
    event = _store(head, spec, moment)
    evidence_recorded.send(None, event=event)
    return event


def append_events(events: Sequence[NewEvent], occurred_at: datetime | None = None) -> list[str]:
    """Append many events in one go, for batch jobs (reminders): the heads of all chains involved
    are locked with one statement, in chain order (so two batch writers cannot deadlock), the rows
    are inserted in bulk, and each head then steps forward one event at a time (one statement for
    all steps), as the database allows. Flushed, not committed; returns the new hashes in order."""
    if not events:
        return []
    moment = occurred_at or utcnow()
    chains = sorted({chain_key(e.employee_id) for e in events})
    db.session.execute(_head_insert().values([{"chain": c, "seq": 0, "hash": GENESIS} for c in chains])
                       .on_conflict_do_nothing(index_elements=["chain"]))
    heads = {row.chain: (row.seq, row.hash) for row in db.session.execute(
        sa.select(ChainHead.chain, ChainHead.seq, ChainHead.hash).where(ChainHead.chain.in_(chains))
        .order_by(ChainHead.chain).with_for_update())}
    rows: list[dict[str, Any]] = []
    hashes: list[str] = []
    for spec in events:
        chain = chain_key(spec.employee_id)
        if _needs_identity(heads[chain][0], spec):
            rows.append(_row(chain, heads, _identity_event(spec.employee_id), moment))  # type: ignore[arg-type]
        rows.append(_row(chain, heads, spec, moment))
        hashes.append(rows[-1]["hash"])
    db.session.execute(_INSERT_EVENT, rows)  # Core: no ORM bookkeeping per row
    db.session.execute(_ADVANCE_HEAD, [{"b_chain": r["chain"], "b_seq": r["seq"], "b_hash": r["hash"]} for r in rows])
    for held in [o for o in db.session.identity_map.values() if isinstance(o, ChainHead) and o.chain in heads]:
        db.session.expire(held)
    return hashes


def identity_payload(employee_id: int) -> dict[str, str]:
    employee = db.session.get(Employee, employee_id)
    return {"employee_number": employee.number, "name_sha256": name_hash(employee.number, employee.name)}


def _needs_identity(head_seq: int, spec: NewEvent) -> bool:
    return head_seq == 0 and spec.employee_id is not None and spec.event_type != CHAIN_OPENED


def _identity_event(employee_id: int) -> NewEvent:
    return NewEvent(CHAIN_OPENED, employee_id, None, SYSTEM, None, identity_payload(employee_id))


def _linked(chain: str, seq: int, prev_hash: str, spec: NewEvent, moment: datetime) -> dict[str, Any]:
    """The event ``seq`` of ``chain`` after ``prev_hash``, as column values."""
    body = event_body(
        chain=chain,
        seq=seq,
        event_type=spec.event_type,
        occurred_at=moment,
        employee_id=spec.employee_id,
        actor_user_id=spec.actor_user_id,
        content=asdict(spec.content) if spec.content else None,
        origin=asdict(spec.origin),
        payload=spec.payload or {},
    )
    content = spec.content
    return {"chain": chain, "seq": seq, "event_type": spec.event_type, "occurred_at": moment,
            "employee_id": spec.employee_id, "actor_user_id": spec.actor_user_id,
            "content_kind": content.kind if content else None,
            "content_ref": f"{content.kind}:{content.id}" if content else None,
            "content_sha256": content.sha256 if content else None, "body": body, "prev_hash": prev_hash,
            "hash": link_hash(prev_hash, body)}


def _row(chain: str, heads: dict[str, tuple[int, str]], spec: NewEvent, moment: datetime) -> dict[str, Any]:
    seq, prev_hash = heads[chain]
    row = _linked(chain, seq + 1, prev_hash, spec, moment)
    heads[chain] = (row["seq"], row["hash"])
    return row


def _store(head: _Head, spec: NewEvent, moment: datetime) -> EvidenceEvent:
    """Insert the event, then advance the head onto it (the database lets a head advance only onto
    a stored event), with Core statements built once: that work happens inside the write lock
    every other writer of the chain waits for. The event returned is a value, never in the session
    (nothing of it stays behind when the transaction rolls back)."""
    row = _linked(head.chain, head.seq + 1, head.hash, spec, moment)
    inserted = db.session.execute(_INSERT_EVENT, row)
    event = EvidenceEvent(id=inserted.inserted_primary_key[0], **row)
    db.session.execute(_ADVANCE_HEAD, {"b_chain": head.chain, "b_seq": event.seq, "b_hash": event.hash})
    head.seq, head.hash = event.seq, event.hash
    held = db.session.identity_map.get(identity_key(ChainHead, head.chain))
    if held is not None:  # a head loaded earlier in this session shows where it is now
        set_committed_value(held, "seq", event.seq)
        set_committed_value(held, "hash", event.hash)
    return event


def _head_insert() -> Any:
    dialect = db.session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(ChainHead)


def _locked_head(chain: str) -> _Head:
    """The chain's head, locked until commit so concurrent appends queue instead of forking.

    PostgreSQL locks the row (SELECT … FOR UPDATE). SQLite serializes writers at a transaction's
    first write: when the transaction has written already it holds that lock and reads the head
    directly; otherwise the insert below is its first write. A missing head is created first
    without racing another writer. An existing head thus costs one statement on PostgreSQL, and on
    SQLite once the transaction has written (as every request that appends has).
    """
    if _holds_write_lock():
        found = db.session.execute(_LOCK_HEAD, {"chain": chain}).one_or_none()
        if found is not None:
            return _Head(chain, found.seq, found.hash)
    db.session.execute(
        _head_insert().values(chain=chain, seq=0, hash=GENESIS).on_conflict_do_nothing(index_elements=["chain"])
    )
    found = db.session.execute(_LOCK_HEAD, {"chain": chain}).one()
    return _Head(chain, found.seq, found.hash)


def _holds_write_lock() -> bool:
    """Whether reading the head now sees the value no other writer can change before our commit."""
    db.session.flush()  # the caller's pending changes are its first write
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return True  # the row lock of SELECT … FOR UPDATE
    return connection.connection.driver_connection.in_transaction  # pysqlite begins at the first write


def payload_of(event: EvidenceEvent) -> dict[str, Any]:
    return json.loads(event.body)["payload"]


def origin_of(event: EvidenceEvent) -> dict[str, Any]:
    return json.loads(event.body)["origin"]
