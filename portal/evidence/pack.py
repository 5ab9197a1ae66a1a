"""Evidence packs: one employee's records as a ZIP that a third party verifies offline.

The pack holds the full hash chain of the employee (so it verifies from the first event), the
exact texts they were shown, paper receipt scans, the checkpoint that covers the chain's head, a
bilingual report as HTML and PDF, and ``verify_pack.py``. A scope (one course or notice, a date
range) narrows the report, never the chain.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import render_template

from portal.core import tabular
from portal.core.types import SHANGHAI, utcnow
from portal.courses.models import CourseVersion
from portal.courses.presenters import lesson_html
from portal.evidence.chain import chain_key
from portal.evidence.labels import EVENT_PAIRS
from portal.evidence.models import ChainHead, Checkpoint, EvidenceEvent, PaperReceipt
from portal.evidence.operations import take_checkpoint
from portal.extensions import db
from portal.notices.models import NoticeVersion
from portal.org.models import Employee

VERIFIER = Path(__file__).with_name("verify_pack.py")


@dataclass(frozen=True)
class PackScope:
    content_ref: str | None = None  # e.g. "course:injury-basics" or "notice:injury-process-guide"
    since: date | None = None
    until: date | None = None

    def includes(self, event: EvidenceEvent) -> bool:
        day = event.occurred_at.astimezone(SHANGHAI).date()
        return ((self.content_ref is None or event.content_ref == self.content_ref)
                and (self.since is None or day >= self.since)
                and (self.until is None or day <= self.until))


@dataclass
class Pack:
    filename: str
    data: bytes
    manifest: dict[str, Any] = field(default_factory=dict)


def _snapshots(shas: set[str]) -> dict[str, str]:
    """Exact snapshot text by SHA-256, for course and notice versions."""
    found: dict[str, str] = {}
    if not shas:
        return found
    for sha, text in db.session.execute(
        sa.select(CourseVersion.sha256, CourseVersion.snapshot_json).where(CourseVersion.sha256.in_(shas))
    ):
        found[sha] = text
    for sha, text in db.session.execute(
        sa.select(NoticeVersion.sha256, NoticeVersion.snapshot_json).where(NoticeVersion.sha256.in_(shas))
    ):
        found[sha] = text
    return found


def _covering_checkpoint(chain: str, seq: int) -> Checkpoint:
    """The newest checkpoint if it lists this chain at ``seq``; otherwise a new one, taken now."""
    latest = db.session.execute(sa.select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1)).scalar_one_or_none()
    if latest is not None and [chain, seq] in json.loads(latest.body)["heads"]:
        return latest
    return take_checkpoint()


def _events_csv(events: list[EvidenceEvent]) -> bytes:
    header = ["seq", "time_utc", "time_shanghai", "type", "channel", "ip", "user_agent", "content",
              "content_version", "content_sha256", "hash"]
    rows = []
    for event in events:
        body = json.loads(event.body)
        origin, content = body["origin"], body["content"] or {}
        rows.append([event.seq, body["at"], event.occurred_at.astimezone(SHANGHAI).isoformat(), event.event_type,
                     origin.get("channel"), origin.get("ip") or "", origin.get("user_agent") or "",
                     f"{content.get('kind', '')}:{content.get('id', '')}" if content else "",
                     content.get("version") or "", content.get("sha256") or "", event.hash])
    return tabular.csv_bytes(header, rows)


def _texts(snapshots: dict[str, str]) -> list[dict[str, Any]]:
    """The texts for the report: course lessons rendered, notice bodies rendered."""
    from portal.courses.content import render_markdown

    texts = []
    for sha, raw in sorted(snapshots.items()):
        snapshot = json.loads(raw)
        if "lessons" in snapshot:
            texts.append({"sha256": sha, "kind": "course", "title": snapshot["title"], "locale": snapshot["locale"],
                          "parts": [(l["title"], lesson_html(l)) for l in snapshot["lessons"]]})
        else:
            parts = [(snapshot["title"][loc], render_markdown(snapshot["body"][loc]))
                     for loc in ("zh_CN", "en") if snapshot["body"].get(loc)]
            texts.append({"sha256": sha, "kind": "notice", "title": snapshot["title"]["zh_CN"], "locale": "zh_CN",
                          "parts": parts})
    return texts


def build_pack(employee: Employee, scope: PackScope, generated_by: str) -> Pack:
    """Assemble the ZIP for ``employee``; takes a checkpoint first if none covers their chain."""
    chain = chain_key(employee.id)
    events = list(db.session.execute(
        sa.select(EvidenceEvent).where(EvidenceEvent.chain == chain).order_by(EvidenceEvent.seq)).scalars())
    head = db.session.get(ChainHead, chain)
    if head is None or not events:
        raise LookupError("no recorded events for this employee")
    checkpoint = _covering_checkpoint(chain, head.seq)
    now = utcnow()
    shas = {e.content_sha256 for e in events if e.content_sha256}
    snapshots = _snapshots(shas)
    receipts = list(db.session.execute(
        sa.select(PaperReceipt).where(PaperReceipt.employee_id == employee.id).order_by(PaperReceipt.id)).scalars())
    in_scope = [e for e in events if scope.includes(e)]
    files: dict[str, bytes] = {
        "events.jsonl": "".join(json.dumps({"seq": e.seq, "prev_hash": e.prev_hash, "hash": e.hash, "body": e.body},
                                           ensure_ascii=False) + "\n" for e in events).encode(),
        "events.csv": _events_csv(events),
        "checkpoint.json": json.dumps({"id": checkpoint.id, "body": checkpoint.body, "hash": checkpoint.hash},
                                      ensure_ascii=False, indent=1).encode(),
        "verify_pack.py": VERIFIER.read_bytes(),
    }
    for sha, text in snapshots.items():
        files[f"content/{sha}.json"] = text.encode()
    for receipt in receipts:
        suffix = Path(receipt.scan_filename).suffix.lower()[:8]
        files[f"scans/{receipt.scan_sha256}{suffix}"] = receipt.scan
    context = dict(
        employee=employee, events=in_scope, all_events=len(events), scope=scope, head=head, checkpoint=checkpoint,
        checkpoint_data=json.loads(checkpoint.body), generated_at=now, generated_by=generated_by,
        texts=[t for t in _texts(snapshots) if any(e.content_sha256 == t["sha256"] for e in in_scope)],
        receipts=receipts, bodies={e.id: json.loads(e.body) for e in in_scope}, event_pairs=EVENT_PAIRS,
    )
    html = render_template("evidence/pack_report.html", **context)
    files["report.html"] = html.encode()
    files["report.pdf"] = _pdf(html)
    manifest = {
        "format": 1,
        "generated_at": now.isoformat(),
        "generated_by": generated_by,
        "employee": {"number": employee.number, "name": employee.name},
        "chain": chain,
        "scope": {"content": scope.content_ref, "since": scope.since.isoformat() if scope.since else None,
                  "until": scope.until.isoformat() if scope.until else None},
        "head": {"seq": head.seq, "hash": head.hash},
        "checkpoint": {"id": checkpoint.id, "hash": checkpoint.hash, "root": checkpoint.merkle_root},
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    files["manifest.json"] = manifest_bytes
    files["manifest.sha256"] = f"{hashlib.sha256(manifest_bytes).hexdigest()}  manifest.json\n".encode()
    stamp = now.astimezone(SHANGHAI).strftime("%Y%m%d-%H%M%S")
    folder = f"evidence-{employee.number}-{stamp}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(f"{folder}/{name}", data)
    return Pack(filename=f"{folder}.zip", data=buffer.getvalue(), manifest=manifest)


def _pdf(html: str) -> bytes:
    """The same report as PDF; WeasyPrint draws CJK text with the system's Noto CJK fonts."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
