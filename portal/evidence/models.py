"""Ledger rows. Nothing in the portal updates or deletes an ``EvidenceEvent``."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.types import UTCDateTime
from portal.auth.models import User
from portal.extensions import db
from portal.org.models import BelongsToEmployee, Employee


class EvidenceEvent(db.Model):
    """One append-only ledger record; ``body`` is the canonical JSON that ``hash`` covers."""

    __tablename__ = "evidence_events"
    __table_args__ = (
        sa.UniqueConstraint("chain", "seq"),
        # One employee's events, and of one type (the evidence page's filter) without a scan of the type.
        sa.Index("ix_evidence_events_employee_type", "employee_id", "event_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(sa.String(40))
    seq: Mapped[int]
    event_type: Mapped[str] = mapped_column(sa.String(40), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Indexed by ix_evidence_events_employee_type, whose first column it is.
    employee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employees.id"))
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


class Checkpoint(db.Model):
    """A signed-off state of the whole ledger: every chain head and their Merkle root. Append-only."""

    __tablename__ = "evidence_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    event_count: Mapped[int]
    chain_count: Mapped[int]
    merkle_root: Mapped[str] = mapped_column(sa.String(64))
    body: Mapped[str] = mapped_column(sa.Text)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class VerificationRun(db.Model):
    """The outcome of one verification, shown on the HR evidence page."""

    __tablename__ = "evidence_verifications"
    # The evidence page of one employee shows that employee's last verification.
    __table_args__ = (sa.Index("ix_evidence_verifications_employee", "employee_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    employee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employees.id"))
    run_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    ok: Mapped[bool]
    events_checked: Mapped[int]
    checkpoints_checked: Mapped[int]
    first_problem: Mapped[str | None] = mapped_column(sa.Text)


class PaperReceipt(BelongsToEmployee, db.Model):
    """An acknowledgement obtained on paper: who collected it, when, and the scan's SHA-256, size and
    type; the SHA-256 goes into the employee's chain (corroboration, SPC Evidence Provisions Art. 90(4))
    and the bytes live in the scan store (``portal.scans``), from which retention may purge them."""

    __tablename__ = "evidence_paper_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    content_kind: Mapped[str] = mapped_column(sa.String(20))
    content_ref: Mapped[str] = mapped_column(sa.String(80))
    content_version: Mapped[int | None]
    content_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    signed_on: Mapped[date]
    collected_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(sa.String(500))
    scan_filename: Mapped[str] = mapped_column(sa.String(200))
    scan_mimetype: Mapped[str] = mapped_column(sa.String(100))
    scan_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    scan_size: Mapped[int]
    event_hash: Mapped[str] = mapped_column(sa.String(64))

    employee: Mapped[Employee] = relationship()


class LogLeaf(db.Model):
    """One event's place in the portal-wide Merkle log, in the order the publisher logged it."""

    __tablename__ = "evidence_log_leaves"

    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("evidence_events.id"), unique=True)
    chain: Mapped[str] = mapped_column(sa.String(40), index=True)
    seq: Mapped[int]
    event_hash: Mapped[str] = mapped_column(sa.String(64))
    leaf_hash: Mapped[str] = mapped_column(sa.String(64))


class TreeHead(db.Model):
    """A signed tree head: the log's size and root at a moment, signed with the portal's Ed25519 key.

    ``body`` is the canonical JSON that ``signature`` covers; one head per size, so two runs can
    never leave two different roots for the same log."""

    __tablename__ = "evidence_tree_heads"

    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(unique=True)
    root: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    body: Mapped[str] = mapped_column(sa.Text)
    signature: Mapped[str] = mapped_column(sa.String(128))
    public_key: Mapped[str] = mapped_column(sa.String(64))
    key_fingerprint: Mapped[str] = mapped_column(sa.String(40))

    def signed(self) -> dict[str, str]:
        """The head as witnesses and packs carry it."""
        return {"body": self.body, "signature": self.signature, "public_key": self.public_key}


class HeadTimestamp(db.Model):
    """An RFC 3161 timestamp token over a tree head's body, from one time-stamping authority."""

    __tablename__ = "evidence_head_timestamps"

    id: Mapped[int] = mapped_column(primary_key=True)
    head_id: Mapped[int] = mapped_column(sa.ForeignKey("evidence_tree_heads.id"), index=True)
    tsa_url: Mapped[str] = mapped_column(sa.String(300))
    gen_time: Mapped[datetime] = mapped_column(UTCDateTime())
    token: Mapped[bytes] = mapped_column(sa.LargeBinary)


class Witness(db.Model):
    """An outside party that receives every new signed tree head: an e-mail address (for example
    the union representative), a webhook, or a directory on write-once storage."""

    __tablename__ = "evidence_witnesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    target: Mapped[str] = mapped_column(sa.String(300))
    label: Mapped[str] = mapped_column(sa.String(120))
    active: Mapped[bool] = mapped_column(default=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HeadDelivery(db.Model):
    """That a head reached a witness (or why not). A head is published once one witness has it."""

    __tablename__ = "evidence_head_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    head_id: Mapped[int] = mapped_column(sa.ForeignKey("evidence_tree_heads.id"), index=True)
    witness_id: Mapped[int] = mapped_column(sa.ForeignKey("evidence_witnesses.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    ok: Mapped[bool]
    reference: Mapped[str] = mapped_column(sa.String(300))


class PublisherLock(db.Model):
    """One row; a publication run holds it (row lock / SQLite write lock) until it commits."""

    __tablename__ = "evidence_publisher_lock"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PackRequest(BelongsToEmployee, db.Model):
    """An evidence pack asked for on the pages or through the API (one table, one job), built in the
    background and kept for download."""

    __tablename__ = "evidence_pack_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    content_ref: Mapped[str | None] = mapped_column(sa.String(80))
    since: Mapped[date | None]
    until: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="queued")
    stage: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    filename: Mapped[str | None] = mapped_column(sa.String(120))
    data: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    error: Mapped[str | None] = mapped_column(sa.String(300))

    employee: Mapped[Employee] = relationship()
    requested_by: Mapped[User] = relationship()


APPEND_ONLY_TABLES = ("evidence_events", "evidence_checkpoints", "evidence_paper_receipts")
LOG_TABLES = ("evidence_log_leaves", "evidence_tree_heads", "evidence_head_timestamps", "evidence_head_deliveries")


def append_only_ddl(dialect: str, table: str) -> list[str]:
    """Triggers that make the database itself refuse to change or remove ledger rows."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
        ]
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION evidence_refuse_change()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION evidence_refuse_change()",
    ]


REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION evidence_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only', ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


HEAD_ADVANCE_FUNCTION = """
CREATE OR REPLACE FUNCTION evidence_head_advance() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR NEW.chain <> OLD.chain OR NEW.seq <> OLD.seq + 1 OR NOT EXISTS (
        SELECT 1 FROM evidence_events e WHERE e.chain = NEW.chain AND e.seq = NEW.seq AND e.hash = NEW.hash) THEN
        RAISE EXCEPTION USING MESSAGE = 'evidence_chain_heads only advance to the next appended event',
            ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""


def chain_head_ddl(dialect: str) -> list[str]:
    """A chain head only moves forward by one, onto an event that is stored; it is never deleted."""
    if dialect == "sqlite":
        return [
            "CREATE TRIGGER evidence_chain_heads_advance BEFORE UPDATE ON evidence_chain_heads "
            "WHEN NEW.chain <> OLD.chain OR NEW.seq <> OLD.seq + 1 OR NOT EXISTS (SELECT 1 FROM evidence_events e "
            "WHERE e.chain = NEW.chain AND e.seq = NEW.seq AND e.hash = NEW.hash) "
            "BEGIN SELECT RAISE(ABORT, 'evidence_chain_heads only advance to the next appended event'); END",
            "CREATE TRIGGER evidence_chain_heads_no_delete BEFORE DELETE ON evidence_chain_heads "
            "BEGIN SELECT RAISE(ABORT, 'evidence_chain_heads is append-only'); END",
        ]
    return [
        HEAD_ADVANCE_FUNCTION,
        "CREATE TRIGGER evidence_chain_heads_advance BEFORE UPDATE OR DELETE ON evidence_chain_heads "
        "FOR EACH ROW EXECUTE FUNCTION evidence_head_advance()",
        "CREATE TRIGGER evidence_chain_heads_no_truncate BEFORE TRUNCATE ON evidence_chain_heads "
        "FOR EACH STATEMENT EXECUTE FUNCTION evidence_refuse_change()",
    ]


def _install_triggers(table: sa.Table, connection: sa.Connection, **_: object) -> None:
    """For ``create_all`` (tests and fresh databases); the migrations install the same triggers."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(REFUSE_FUNCTION)
    statements = (chain_head_ddl(connection.dialect.name) if table.name == "evidence_chain_heads"
                  else append_only_ddl(connection.dialect.name, table.name))
    for statement in statements:
        connection.exec_driver_sql(statement)


for _table in (EvidenceEvent, Checkpoint, PaperReceipt, ChainHead, LogLeaf, TreeHead, HeadTimestamp, HeadDelivery):
    sa.event.listen(_table.__table__, "after_create", _install_triggers)
