"""Ledger rows. Nothing in the portal updates or deletes an ``EvidenceEvent``."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.types import UTCDateTime
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
    """An acknowledgement obtained on paper: who collected it, when, and the scan, whose SHA-256
    goes into the employee's chain (corroboration, SPC Evidence Provisions Art. 90(4))."""

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
    scan_sha256: Mapped[str] = mapped_column(sa.String(64))
    scan: Mapped[bytes] = mapped_column(sa.LargeBinary)
    event_hash: Mapped[str] = mapped_column(sa.String(64))

    employee: Mapped[Employee] = relationship()


APPEND_ONLY_TABLES = ("evidence_events", "evidence_checkpoints", "evidence_paper_receipts")


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


def _install_triggers(table: sa.Table, connection: sa.Connection, **_: object) -> None:
    """For ``create_all`` (tests and fresh databases); the migration installs the same triggers."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(REFUSE_FUNCTION)
    for statement in append_only_ddl(connection.dialect.name, table.name):
        connection.exec_driver_sql(statement)


for _table in (EvidenceEvent.__table__, Checkpoint.__table__, PaperReceipt.__table__):
    sa.event.listen(_table, "after_create", _install_triggers)
