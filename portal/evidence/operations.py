"""Evidence operations: checkpoints, verification runs and paper receipts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.core.types import utcnow
from portal.evidence.chain import GENESIS, chain_key, checkpoint_body, checkpoint_hash
from portal.evidence.ledger import ContentRef, Origin, append_event
from portal.evidence.models import ChainHead, Checkpoint, EvidenceEvent, PaperReceipt, VerificationRun
from portal.evidence.verify import CheckpointRow, EventRow, Report, verify_chains, verify_checkpoints
from portal.extensions import db

EVENT_COLUMNS = (
    EvidenceEvent.id, EvidenceEvent.chain, EvidenceEvent.seq, EvidenceEvent.event_type, EvidenceEvent.occurred_at,
    EvidenceEvent.employee_id, EvidenceEvent.actor_user_id, EvidenceEvent.content_sha256, EvidenceEvent.body,
    EvidenceEvent.prev_hash, EvidenceEvent.hash,
)


def take_checkpoint(now: datetime | None = None) -> Checkpoint:
    """Record every chain head and their Merkle root, linked to the previous checkpoint."""
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
    stmt = sa.select(*EVENT_COLUMNS).order_by(EvidenceEvent.chain, EvidenceEvent.seq)
    if chain is not None:
        stmt = stmt.where(EvidenceEvent.chain == chain)
    for row in db.session.execute(stmt.execution_options(yield_per=batch)):
        yield EventRow(*row)


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
    report = verify_chains(_rows(chain), heads, wanted)
    report.problems.extend(verify_checkpoints(checkpoints, report.hashes_at))
    report.checkpoints = len(checkpoints)
    return report


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
    """Store the scan and chain its SHA-256 into the employee's ledger, in one transaction."""
    now = utcnow()
    digest = hashlib.sha256(data.scan).hexdigest()
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
        scan_mimetype=data.scan_mimetype, scan_sha256=digest, scan=data.scan, event_hash=event.hash,
    )
    db.session.add(receipt)
    db.session.commit()
    return receipt
