"""Ledger rows. Nothing in the portal updates or deletes an ``EvidenceEvent``."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.types import UTCDateTime
from portal.extensions import db


class EvidenceEvent(db.Model):
    """One append-only ledger record; ``body`` is the canonical JSON that ``hash`` covers."""

    __tablename__ = "evidence_events"
    __table_args__ = (sa.UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(sa.String(40))
    seq: Mapped[int]
    event_type: Mapped[str] = mapped_column(sa.String(40), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    employee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    content_kind: Mapped[str | None] = mapped_column(sa.String(20))
    content_ref: Mapped[str | None] = mapped_column(sa.String(80), index=True)
    content_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    body: Mapped[str] = mapped_column(sa.Text)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class ChainHead(db.Model):
    """The latest event of each chain; locked while appending so a chain never forks."""

    __tablename__ = "evidence_chain_heads"

    chain: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(sa.String(64))
