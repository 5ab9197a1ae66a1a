"""The one writer of ledger events. Every push, open, read, quiz attempt and acknowledgement in the
portal goes through ``append_event``, in the caller's transaction, so an event is stored exactly
when the change it records is.
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

from portal.core.types import utcnow
from portal.evidence.chain import GENESIS, chain_key, event_body, link_hash
from portal.evidence.models import ChainHead, EvidenceEvent
from portal.extensions import db
from portal.signals import evidence_recorded


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
    """Append one event to its chain (flushed, not committed: the caller's commit stores it)."""
    spec = NewEvent(event_type, employee_id, actor_user_id, origin, content, payload)
    head = _locked_head(chain_key(employee_id))
    event = EvidenceEvent(**_linked_row(head, spec, occurred_at or utcnow()))
    db.session.add(event)
    db.session.flush()
    evidence_recorded.send(None, event=event)
    return event


def append_events(events: Sequence[NewEvent], occurred_at: datetime | None = None) -> list[str]:
    """Append many events in one go, for batch jobs (reminders): the heads of all chains involved
    are locked with one statement, in chain order (so two batch writers cannot deadlock), and the
    rows are inserted in bulk. Flushed, not committed; returns the new hashes in order."""
    if not events:
        return []
    moment = occurred_at or utcnow()
    chains = sorted({chain_key(e.employee_id) for e in events})
    db.session.execute(_head_insert().values([{"chain": c, "seq": 0, "hash": GENESIS} for c in chains])
                       .on_conflict_do_nothing(index_elements=["chain"]))
    heads = {head.chain: head for head in db.session.execute(
        sa.select(ChainHead).where(ChainHead.chain.in_(chains)).order_by(ChainHead.chain).with_for_update()
        .execution_options(populate_existing=True)).scalars()}
    rows = [_linked_row(heads[chain_key(spec.employee_id)], spec, moment) for spec in events]
    db.session.execute(EvidenceEvent.__table__.insert(), rows)  # Core: no ORM bookkeeping per row
    db.session.flush()
    return [row["hash"] for row in rows]


def _linked_row(head: ChainHead, spec: NewEvent, moment: datetime) -> dict[str, Any]:
    """The next event of ``head``'s chain as column values; moves the head on."""
    seq = head.seq + 1
    body = event_body(
        chain=head.chain,
        seq=seq,
        event_type=spec.event_type,
        occurred_at=moment,
        employee_id=spec.employee_id,
        actor_user_id=spec.actor_user_id,
        content=asdict(spec.content) if spec.content else None,
        origin=asdict(spec.origin),
        payload=spec.payload or {},
    )
    digest = link_hash(head.hash, body)
    content = spec.content
    row = {"chain": head.chain, "seq": seq, "event_type": spec.event_type, "occurred_at": moment,
           "employee_id": spec.employee_id, "actor_user_id": spec.actor_user_id,
           "content_kind": content.kind if content else None,
           "content_ref": f"{content.kind}:{content.id}" if content else None,
           "content_sha256": content.sha256 if content else None, "body": body, "prev_hash": head.hash, "hash": digest}
    head.seq, head.hash = seq, digest
    return row


def _head_insert() -> Any:
    dialect = db.session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(ChainHead)


def _locked_head(chain: str) -> ChainHead:
    """The chain's head, locked until commit so concurrent appends queue instead of forking.

    PostgreSQL locks the row (SELECT … FOR UPDATE); SQLite serializes writers at the first write,
    which the insert below is. A missing head is created first without racing another writer.
    """
    db.session.execute(
        _head_insert().values(chain=chain, seq=0, hash=GENESIS).on_conflict_do_nothing(index_elements=["chain"])
    )
    return db.session.execute(
        sa.select(ChainHead).where(ChainHead.chain == chain).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def payload_of(event: EvidenceEvent) -> dict[str, Any]:
    return json.loads(event.body)["payload"]


def origin_of(event: EvidenceEvent) -> dict[str, Any]:
    return json.loads(event.body)["origin"]
