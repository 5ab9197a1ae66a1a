"""The one writer of ledger events. Every push, open, read, quiz attempt and acknowledgement in the
portal goes through ``append_event``, in the caller's transaction, so an event is stored exactly
when the change it records is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.core.types import utcnow
from portal.evidence.chain import GENESIS, chain_key, event_body, link_hash, name_hash
from portal.evidence.models import ChainHead, EvidenceEvent
from portal.extensions import db
from portal.org.models import Employee


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
    chain = chain_key(employee_id)
    head = _locked_head(chain)
    moment = occurred_at or utcnow()
    if head.seq == 0 and employee_id is not None and event_type != CHAIN_OPENED:
        _store(head, CHAIN_OPENED, employee_id=employee_id, actor_user_id=None, origin=SYSTEM, content=None,
               payload=identity_payload(employee_id), moment=moment)
    return _store(head, event_type, employee_id=employee_id, actor_user_id=actor_user_id, origin=origin,
                  content=content, payload=payload, moment=moment)


CHAIN_OPENED = "chain_opened"


def identity_payload(employee_id: int) -> dict[str, str]:
    employee = db.session.get(Employee, employee_id)
    return {"employee_number": employee.number, "name_sha256": name_hash(employee.number, employee.name)}


def _store(head: ChainHead, event_type: str, *, employee_id: int | None, actor_user_id: int | None, origin: Origin,
           content: ContentRef | None, payload: Mapping[str, Any] | None, moment: datetime) -> EvidenceEvent:
    chain, seq = head.chain, head.seq + 1
    body = event_body(
        chain=chain,
        seq=seq,
        event_type=event_type,
        occurred_at=moment,
        employee_id=employee_id,
        actor_user_id=actor_user_id,
        content=asdict(content) if content else None,
        origin=asdict(origin),
        payload=payload or {},
    )
    event = EvidenceEvent(
        chain=chain,
        seq=seq,
        event_type=event_type,
        occurred_at=moment,
        employee_id=employee_id,
        actor_user_id=actor_user_id,
        content_kind=content.kind if content else None,
        content_ref=f"{content.kind}:{content.id}" if content else None,
        content_sha256=content.sha256 if content else None,
        body=body,
        prev_hash=head.hash,
        hash=link_hash(head.hash, body),
    )
    db.session.add(event)
    db.session.flush()  # the event first: the database lets a head advance only onto a stored event
    head.seq, head.hash = seq, event.hash
    db.session.flush()
    return event


def _locked_head(chain: str) -> ChainHead:
    """The chain's head, locked until commit so concurrent appends queue instead of forking.

    PostgreSQL locks the row (SELECT … FOR UPDATE); SQLite serializes writers at the first write,
    which the insert below is. A missing head is created first without racing another writer.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(ChainHead).values(chain=chain, seq=0, hash=GENESIS).on_conflict_do_nothing(index_elements=["chain"])
    )
    return db.session.execute(
        sa.select(ChainHead).where(ChainHead.chain == chain).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def payload_of(event: EvidenceEvent) -> dict[str, Any]:
    return json.loads(event.body)["payload"]


def origin_of(event: EvidenceEvent) -> dict[str, Any]:
    return json.loads(event.body)["origin"]
