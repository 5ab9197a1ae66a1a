"""Evidence operations: checkpoints, verification runs and paper receipts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from portal.core.types import utcnow
from portal.evidence.chain import GENESIS, chain_key, checkpoint_body, checkpoint_hash
from portal.evidence.ledger import ContentRef, Origin, append_event
from portal.evidence.merkle import Tree
from portal.evidence.models import (
    ChainHead,
    Checkpoint,
    EvidenceEvent,
    HeadTimestamp,
    LogLeaf,
    PackRequest,
    PaperReceipt,
    TreeHead,
    VerificationRun,
)
from portal.evidence.verify import (
    CheckpointRow,
    EventRow,
    HeadRow,
    LeafRow,
    Problem,
    Report,
    column_problem,
    verify_checkpoints,
    verify_heads,
    verify_links,
    verify_log,
)
from portal.extensions import db
from portal.scans import store as scan_store

if TYPE_CHECKING:
    from portal.evidence.pack import PackScope

EVENT_COLUMNS = (
    EvidenceEvent.id, EvidenceEvent.chain, EvidenceEvent.seq, EvidenceEvent.event_type, EvidenceEvent.occurred_at,
    EvidenceEvent.employee_id, EvidenceEvent.actor_user_id, EvidenceEvent.content_sha256, EvidenceEvent.body,
    EvidenceEvent.prev_hash, EvidenceEvent.hash,
)


def take_checkpoint(now: datetime | None = None) -> Checkpoint:
    """Record every chain head and their Merkle root, linked to the previous checkpoint (under the
    publisher lock, so two at once cannot fork the checkpoint chain)."""
    from portal.evidence.log import hold_publisher_lock

    hold_publisher_lock()
    heads = [(h.chain, h.seq, h.hash) for h in db.session.execute(sa.select(ChainHead)).scalars()]
    previous = db.session.execute(sa.select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1)).scalar_one_or_none()
    count = db.session.execute(sa.select(sa.func.count(EvidenceEvent.id))).scalar_one()
    body = checkpoint_body(at=now or utcnow(), heads=heads, event_count=count,
                           previous_hash=previous.hash if previous else GENESIS)
    data = json.loads(body)
    checkpoint = Checkpoint(created_at=now or utcnow(), event_count=count, chain_count=data["chain_count"],
                            merkle_root=data["root"], body=body, hash=checkpoint_hash(body))
    db.session.add(checkpoint)
    db.session.commit()
    return checkpoint


def _rows(chain: str | None, batch: int = 5000) -> Iterator[EventRow]:
    """Whole rows, for describing problems and for tools that need every column."""
    stmt = sa.select(*EVENT_COLUMNS).order_by(EvidenceEvent.chain, EvidenceEvent.seq)
    if chain is not None:
        stmt = stmt.where(EvidenceEvent.chain == chain)
    for row in db.session.execute(stmt.execution_options(yield_per=batch)):
        yield EventRow(*row)


def _link_rows(chain: str | None, batch: int = 10000) -> Iterator[tuple]:
    """(id, chain, seq, body as UTF-8 bytes, prev_hash, hash), streamed in storage order.

    Storage order reads fastest and keeps each chain in sequence order (appends to one chain are
    serialized by its head lock); the body comes as bytes, so the hot loop hashes without encoding.
    A plain driver cursor (server-side on PostgreSQL) in the session's transaction: the ORM's row
    handling would cost more than the hashing.
    """
    postgres = db.engine.dialect.name == "postgresql"
    body = "convert_to(body, 'UTF8')" if postgres else "CAST(body AS BLOB)"
    placeholder = "%s" if postgres else "?"
    where, params = (f"WHERE chain = {placeholder}", (chain,)) if chain is not None else ("", ())
    sql = f"SELECT id, chain, seq, {body}, prev_hash, hash FROM evidence_events {where} ORDER BY id"
    driver = db.session.connection().connection.dbapi_connection
    cursor = driver.cursor(name="evidence_verify") if postgres else driver.cursor()
    if postgres:
        cursor.itersize = batch
    try:
        cursor.execute(sql, params)
        yield from cursor
    finally:
        cursor.close()


def _columns_differ(dialect: str) -> sa.ColumnElement[bool]:
    """SQL for: the indexed columns do not say what the hashed body says (checked by the database,
    in one scan, instead of parsing a million bodies in Python)."""
    e = EvidenceEvent
    text = sa.String()

    def spelled(column: sa.ColumnElement) -> sa.ColumnElement[str]:
        return sa.func.coalesce(sa.cast(column, text), "null")

    if dialect == "sqlite":
        at = sa.func.replace(sa.cast(e.occurred_at, text), " ", "T") + "Z"
        position = sa.func.instr
    else:
        at = sa.func.to_char(sa.func.timezone("UTC", e.occurred_at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        position = sa.func.strpos
    prefix = (sa.literal('{"actor_user_id":', text) + spelled(e.actor_user_id) + ',"at":"' + at
              + '","chain":"' + e.chain + '",')
    suffix = sa.literal(',"seq":', text) + sa.cast(e.seq, text) + ',"type":"' + e.event_type + '"}'
    employee = sa.literal(',"employee_id":', text) + spelled(e.employee_id) + ',"origin":'
    content = sa.literal('"sha256":"', text) + e.content_sha256 + '"'
    return sa.or_(
        sa.func.substr(e.body, 1, sa.func.length(prefix)) != prefix,
        sa.func.substr(e.body, sa.func.length(e.body) - sa.func.length(suffix) + 1) != suffix,
        position(e.body, employee) == 0,
        sa.and_(e.content_sha256.is_not(None), position(e.body, content) == 0),
    )


def _column_problems(chain: str | None) -> list[Problem]:
    stmt = sa.select(*EVENT_COLUMNS).where(_columns_differ(db.engine.dialect.name))
    if chain is not None:
        stmt = stmt.where(EvidenceEvent.chain == chain)
    problems = []
    for row in db.session.execute(stmt):
        event = EventRow(*row)
        reason = column_problem(event) or "a column differs from the hashed body"
        problems.append(Problem(event.chain, event.seq, event.id, reason))
    return problems


def verify_ledger(employee_id: int | None = None) -> Report:
    """Verify every chain (or one employee's) and, for the whole ledger, every checkpoint."""
    chain = chain_key(employee_id) if employee_id is not None else None
    head_stmt = sa.select(ChainHead.chain, ChainHead.seq, ChainHead.hash)
    if chain is not None:
        head_stmt = head_stmt.where(ChainHead.chain == chain)
    heads = {name: (seq, hash_) for name, seq, hash_ in db.session.execute(head_stmt)}
    checkpoints = []
    wanted: frozenset[tuple[str, int]] = frozenset()
    if chain is None:
        checkpoints = [CheckpointRow(*row) for row in db.session.execute(
            sa.select(Checkpoint.id, Checkpoint.body, Checkpoint.hash).order_by(Checkpoint.id))]
        wanted = frozenset((c, s) for cp in checkpoints for c, s, _h in json.loads(cp.body)["heads"])
    report = verify_links(_link_rows(chain), heads, wanted)
    flagged = {p.event_id for p in report.problems}
    report.problems.extend(p for p in _column_problems(chain) if p.event_id not in flagged)
    report.problems.sort(key=lambda p: (p.chain, p.seq or 0))
    report.problems.extend(_backward_times(chain))
    report.problems.sort(key=lambda p: (p.chain, p.seq or 0))
    report.problems.extend(verify_checkpoints(checkpoints, report.hashes_at))
    report.checkpoints = len(checkpoints)
    if chain is None:
        report.problems.extend(_log_problems(report))
    return report


def _backward_times(chain: str | None) -> list[Problem]:
    """Events whose time is before the previous event of their chain (a back-dated insert)."""
    e = EvidenceEvent
    previous = sa.func.lag(e.occurred_at).over(partition_by=e.chain, order_by=e.seq).label("previous")
    inner = sa.select(e.id, e.chain, e.seq, e.occurred_at, previous)
    if chain is not None:
        inner = inner.where(e.chain == chain)
    inner = inner.subquery()
    rows = db.session.execute(sa.select(inner).where(inner.c.occurred_at < inner.c.previous))
    return [Problem(row.chain, row.seq, row.id, "its time is before the previous event's (back-dated)") for row in rows]


def _log_problems(report: Report) -> list[Problem]:
    """The Merkle log against the ledger, and every signed tree head against the log."""
    from portal.evidence.log import check_token

    leaves = db.session.execute(
        sa.select(LogLeaf.position, LogLeaf.chain, LogLeaf.seq, LogLeaf.event_hash, LogLeaf.leaf_hash,
                  EvidenceEvent.chain, EvidenceEvent.seq, EvidenceEvent.hash)
        .outerjoin(EvidenceEvent, EvidenceEvent.id == LogLeaf.event_id).order_by(LogLeaf.position))
    hashes, problems = verify_log(LeafRow(*row) for row in leaves)
    tokens: dict[int, list[bytes]] = {}
    for head_id, token in db.session.execute(sa.select(HeadTimestamp.head_id, HeadTimestamp.token)):
        tokens.setdefault(head_id, []).append(token)
    heads = [HeadRow(h.size, h.root, h.created_at, h.body, h.signature, h.public_key, tuple(tokens.get(h.id, ())))
             for h in db.session.execute(sa.select(TreeHead).order_by(TreeHead.size)).scalars()]

    def token_problem(token: bytes, data: bytes) -> str | None:
        try:
            check_token(token, data)
            from rfc3161_client import decode_timestamp_response

            if decode_timestamp_response(token).tst_info.message_imprint.message != hashlib.sha256(data).digest():
                return "it covers other data"
        except Exception as error:  # noqa: BLE001 - any failure to verify is the answer
            return f"{type(error).__name__}: {error}"
        return None

    problems.extend(verify_heads(heads, Tree(hashes), token_problem))
    report.tree_heads = len(heads)
    return problems


def record_verification(report: Report, started_at: datetime, employee_id: int | None, run_by_id: int | None) -> VerificationRun:
    run = VerificationRun(
        started_at=started_at, finished_at=utcnow(), employee_id=employee_id, run_by_id=run_by_id, ok=report.ok,
        events_checked=report.events, checkpoints_checked=report.checkpoints,
        first_problem=str(report.first_problem) if report.first_problem else None,
    )
    db.session.add(run)
    db.session.commit()
    return run


def last_verification(employee_id: int | None = None) -> VerificationRun | None:
    stmt = sa.select(VerificationRun).order_by(VerificationRun.id.desc()).limit(1)
    stmt = stmt.where(VerificationRun.employee_id.is_(None) if employee_id is None else VerificationRun.employee_id == employee_id)
    return db.session.execute(stmt).scalar_one_or_none()


@dataclass(frozen=True)
class PaperReceiptData:
    employee_id: int
    content: ContentRef
    signed_on: date
    note: str | None
    scan_filename: str
    scan_mimetype: str
    scan: bytes


def record_paper_receipt(data: PaperReceiptData, collected_by_id: int, origin: Origin) -> PaperReceipt:
    """Store the scan under its digest and chain the digest into the employee's ledger, in one transaction."""
    now = utcnow()
    digest = scan_store.keep(data.scan, data.scan_mimetype)
    event = append_event(
        "paper_acknowledgement_recorded", employee_id=data.employee_id, actor_user_id=collected_by_id, origin=origin,
        content=data.content, occurred_at=now,
        payload={"signed_on": data.signed_on.isoformat(), "scan_sha256": digest, "scan_filename": data.scan_filename,
                 "note": data.note or ""},
    )
    receipt = PaperReceipt(
        employee_id=data.employee_id, content_kind=data.content.kind, content_ref=f"{data.content.kind}:{data.content.id}",
        content_version=data.content.version, content_sha256=data.content.sha256, signed_on=data.signed_on,
        collected_by_id=collected_by_id, recorded_at=now, note=data.note, scan_filename=data.scan_filename,
        scan_mimetype=data.scan_mimetype, scan_sha256=digest, scan_size=len(data.scan), event_hash=event.hash,
    )
    db.session.add(receipt)
    db.session.commit()
    return receipt


@dataclass(frozen=True)
class ScanPurge:
    """What the ledger says about a purged scan: when, and under which retention rule."""

    at: datetime
    years: int
    left_date: str


def scan_purges(employee_id: int) -> dict[str, ScanPurge]:
    """The employee's purged scans by digest, read from their chain's purge events."""
    purges: dict[str, ScanPurge] = {}
    for occurred_at, body in db.session.execute(
            sa.select(EvidenceEvent.occurred_at, EvidenceEvent.body).where(
                EvidenceEvent.chain == chain_key(employee_id), EvidenceEvent.event_type == scan_store.SCAN_PURGED)):
        payload = json.loads(body)["payload"]
        purges[payload["purged_sha256"]] = ScanPurge(occurred_at, payload["years"], payload["left_date"])
    return purges


def request_pack(employee_id: int, user_id: int, scope: PackScope) -> PackRequest:
    """A pack request row (flushed: the caller commits, then hands it to ``pack.build_pack``). Pages
    and the API share this table, the job and the per-user limit."""
    pack_request = PackRequest(employee_id=employee_id, requested_by_id=user_id, content_ref=scope.content_ref,
                               since=scope.since, until=scope.until, status="queued", stage="", created_at=utcnow())
    db.session.add(pack_request)
    db.session.flush()
    return pack_request


def pack_limit_reached(user_id: int, limit: int, now: datetime) -> bool:
    """Whether ``user_id`` asked for ``limit`` packs in the last hour, on the pages and the API together."""
    return db.session.execute(sa.select(sa.func.count(PackRequest.id)).where(
        PackRequest.requested_by_id == user_id, PackRequest.created_at > now - timedelta(hours=1))).scalar_one() >= limit
