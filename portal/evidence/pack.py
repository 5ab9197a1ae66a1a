"""Evidence packs: one employee's records as a ZIP that a third party verifies offline.

The pack holds the employee's full hash chain (so it verifies from the first event, which binds
their identity), an inclusion proof of each event in the portal's Merkle log against the latest
published signed tree head, that head's RFC 3161 timestamp, consistency proofs from earlier
published heads, the exact texts shown, paper receipt scans, a bilingual report and exhibit list
(证据目录) as HTML and PDF, a manifest signed with the portal's key, and ``verify_pack.py``. No
other employee's identifiers. A scope (one course or notice, a date range) narrows the report and
the exhibit list, never the chain.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template

from portal.auth.models import User
from portal.core import tabular
from portal.core.types import SHANGHAI, utcnow
from portal.courses.models import CourseVersion
from portal.courses.presenters import lesson_html
from portal.evidence import log as evidence_log
from portal.evidence.chain import chain_key, name_hash
from portal.evidence.describe import describe
from portal.evidence.labels import EVENT_PAIRS, EXHIBIT_PURPOSES
from portal.evidence.operations import scan_purges
from portal.evidence.models import ChainHead, EvidenceEvent, HeadTimestamp, LogLeaf, PackRequest, PaperReceipt, TreeHead
from portal.evidence.sections import pack_sections, value_words
from portal.evidence.signing import fingerprint, public_key_hex, sign
from portal.extensions import db
from portal.jobs import job
from portal.notices.models import NoticeVersion
from portal.org.models import Employee
from portal.scans import store as scan_store
from portal.signals import evidence_pack_ready

VERIFIER = Path(__file__).with_name("verify_pack.py")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PackScope:
    """A dispute: a course or notice ("course:injury-basics", "notice:injury-process-guide"), an injury
    case ("case:3": every step recorded with that case number), and/or dates."""

    content_ref: str | None = None
    since: date | None = None
    until: date | None = None

    def includes(self, event: EvidenceEvent) -> bool:
        day = event.occurred_at.astimezone(SHANGHAI).date()
        return (self._matches(event)
                and (self.since is None or day >= self.since)
                and (self.until is None or day <= self.until))

    def condition(self) -> sa.ColumnElement[bool]:
        """:meth:`includes` as SQL, so a page of the timeline is read by the database."""
        terms: list[sa.ColumnElement[bool]] = []
        if self.content_ref is not None and self.content_ref.startswith("case:"):
            case = self.content_ref[5:]
            terms.append(sa.or_(EvidenceEvent.body.contains(f'"case":{case},', autoescape=True),
                                EvidenceEvent.body.contains(f'"case":{case}}}', autoescape=True)))
        elif self.content_ref is not None:
            terms.append(EvidenceEvent.content_ref == self.content_ref)
        if self.since is not None and self.since > date.min:  # (every day is on or after date.min)
            terms.append(EvidenceEvent.occurred_at >= _day_start(self.since))
        if self.until is not None and self.until < date.max:
            terms.append(EvidenceEvent.occurred_at < _day_start(self.until + timedelta(days=1)))
        return sa.and_(sa.true(), *terms)

    def _matches(self, event: EvidenceEvent) -> bool:
        if self.content_ref is None:
            return True
        if self.content_ref.startswith("case:"):
            return f'"case":{self.content_ref[5:]},' in event.body or f'"case":{self.content_ref[5:]}}}' in event.body
        return event.content_ref == self.content_ref


def _day_start(day: date) -> datetime:
    """Midnight of ``day`` in Shanghai, the day the timeline's dates are read in."""
    return datetime.combine(day, time(), SHANGHAI)


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


EVENTS_CSV_HEADER = ["seq", "time_utc", "time_shanghai", "type", "what_was_recorded", "channel", "ip",
                     "user_agent", "content", "content_version", "content_sha256", "hash"]


# Without a chosen dispute, the exhibit list names what an arbitrator asks for first: what the
# employer told the employee, what the employee acknowledged or asked, and the case's steps.
EXHIBIT_DEFAULT_TYPES = frozenset({
    "chain_opened", "course_assigned", "course_acknowledged", "paper_acknowledgement_recorded", "notice_pushed",
    "notice_acknowledged", "notice_responded", "notice_answered", "case_opened", "case_updated",
    "case_action_confirmed", "share_entry_recorded", "wage_recorded",
})


def write_csv(rows: list[list[Any]]) -> bytes:
    """The one place the pack writes CSV: the portal's writer, which keeps spreadsheet formulas inert."""
    return tabular.csv_bytes(rows[0], rows[1:])


def _events_csv(events: list[EvidenceEvent], words: dict[int, list[str]]) -> bytes:
    rows: list[list[Any]] = [EVENTS_CSV_HEADER]
    for event in events:
        body = json.loads(event.body)
        origin, content = body["origin"], body["content"] or {}
        rows.append([event.seq, body["at"], event.occurred_at.astimezone(SHANGHAI).isoformat(), event.event_type,
                     " | ".join(words[event.id]), origin.get("channel"), origin.get("ip") or "",
                     origin.get("user_agent") or "",
                     f"{content.get('kind', '')}:{content.get('id', '')}" if content else "",
                     content.get("version") or "", content.get("sha256") or "", event.hash])
    return write_csv(rows)


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


@dataclass
class LogEvidence:
    """What the pack carries from the Merkle log for one chain."""

    files: dict[str, bytes]
    anchored_through: int
    latest: TreeHead | None
    positions: dict[int, int]


def _log_evidence(events: list[EvidenceEvent]) -> LogEvidence:
    """Inclusion proofs against the latest published head, consistency proofs from earlier ones.

    Earlier heads start from the last one published before the chain's first logged event: older
    heads say nothing about this employee, and their consistency follows from that one's."""
    positions = dict(db.session.execute(sa.select(LogLeaf.event_id, LogLeaf.position).where(
        LogLeaf.event_id.in_([e.id for e in events]))).all()) if events else {}
    heads = evidence_log.published_heads()
    if not heads:
        nothing = {"latest": None, "heads": [], "inclusion": {}, "consistency": {}}
        return LogEvidence({"proofs.json": json.dumps(nothing, indent=1).encode()}, 0, None, positions)
    latest = heads[-1]
    tree = evidence_log.load_tree(latest.size)
    first_position = min(positions.values(), default=latest.size)
    earlier = [h for h in heads[:-1] if h.size > first_position]
    before = [h for h in heads[:-1] if h.size <= first_position]
    kept = before[-1:] + earlier + [latest]
    anchored = [e for e in events if positions.get(e.id, latest.size) < latest.size]
    proofs = {
        "latest": latest.size,
        "heads": [h.size for h in kept],
        "inclusion": {str(e.seq): [p.hex() for p in tree.inclusion_proof(positions[e.id])] for e in anchored},
        "consistency": {str(h.size): [p.hex() for p in tree.consistency_proof(h.size)] for h in kept[:-1]},
    }
    files = {"proofs.json": json.dumps(proofs, indent=1).encode()}
    for head in kept:
        files[f"heads/{head.size}.json"] = json.dumps(head.signed(), ensure_ascii=False, indent=1).encode()
        files[f"heads/{head.size}.body"] = head.body.encode()
    token = db.session.execute(sa.select(HeadTimestamp.token).where(HeadTimestamp.head_id == latest.id)
                               .order_by(HeadTimestamp.id).limit(1)).scalar_one_or_none()
    ca_file = current_app.config.get("TSA_CA_FILE")
    if token is not None:
        files[f"heads/{latest.size}.tsr"] = token
        if ca_file:
            files["tsa-ca.pem"] = Path(ca_file).read_bytes()
    return LogEvidence(files, anchored[-1].seq if anchored else 0, latest, positions)


def _actor_names(events: list[EvidenceEvent]) -> dict[int, str]:
    ids = {e.actor_user_id for e in events if e.actor_user_id is not None}
    if not ids:
        return {}
    return {user_id: f"{username} #{user_id}" for user_id, username in db.session.execute(
        sa.select(User.id, User.username).where(User.id.in_(ids)))}


def assemble(employee: Employee, scope: PackScope, generated_by: str, progress=lambda stage: None) -> Pack:
    """Assemble the ZIP for ``employee``. It never signs a tree head of its own: events after the
    latest published head are listed as not yet anchored."""
    chain = chain_key(employee.id)
    events = list(db.session.execute(
        sa.select(EvidenceEvent).where(EvidenceEvent.chain == chain).order_by(EvidenceEvent.seq)).scalars())
    head = db.session.get(ChainHead, chain)
    if head is None or not events:
        raise LookupError("no recorded events for this employee")
    progress("proofs")
    proof = _log_evidence(events)
    now = utcnow()
    snapshots = _snapshots({e.content_sha256 for e in events if e.content_sha256})
    texts = _texts(snapshots)
    titles = {t["sha256"]: t["title"] for t in texts}
    actors = _actor_names(events)
    bodies = {e.id: json.loads(e.body) for e in events}
    codes = value_words()
    words = {e.id: describe(bodies[e.id], actors.get(e.actor_user_id), titles, codes) for e in events}
    receipts = list(db.session.execute(
        sa.select(PaperReceipt).where(PaperReceipt.employee_id == employee.id).order_by(PaperReceipt.id)).scalars())
    in_scope = [e for e in events if scope.includes(e)]
    pending = [e.seq for e in events if e.seq > proof.anchored_through]
    next_publication = evidence_log.next_publication(now)
    files: dict[str, bytes] = {
        "events.jsonl": "".join(json.dumps({"seq": e.seq, "prev_hash": e.prev_hash, "hash": e.hash, "body": e.body,
                                            "log_index": proof.positions.get(e.id)}, ensure_ascii=False) + "\n"
                                for e in events).encode(),
        "events.csv": _events_csv(events, words),
        "verify_pack.py": VERIFIER.read_bytes(),
        **proof.files,
    }
    for sha, text in snapshots.items():
        files[f"content/{sha}.json"] = text.encode()
    purges = scan_purges(employee.id)
    for receipt in receipts:
        data = None if receipt.scan_sha256 in purges else scan_store.load(receipt.scan_sha256)
        if data is not None:
            suffix = Path(receipt.scan_filename).suffix.lower()[:8]
            files[f"scans/{receipt.scan_sha256}{suffix}"] = data
    sections = pack_sections(employee.id, now.astimezone(SHANGHAI).date())
    for section in sections:
        if files.keys() & section.files.keys():
            raise ValueError("a pack section names one of the pack's own files")
        files.update(section.files)
    line_of = {e.id: n for n, e in enumerate(events, start=1)}
    context = dict(
        employee=employee, events=in_scope, all_events=len(events), scope=scope, head=head, latest=proof.latest,
        anchored_through=proof.anchored_through, pending=pending, next_publication=next_publication,
        generated_at=now, generated_by=generated_by, words=words, line_of=line_of, key=fingerprint(),
        texts=[t for t in texts if any(e.content_sha256 == t["sha256"] for e in in_scope)],
        receipts=receipts, purges=purges, bodies=bodies, event_pairs=EVENT_PAIRS, purposes=EXHIBIT_PURPOSES,
        sections=sections,
    )
    progress("report")
    html = render_template("evidence/pack_report.html", **context)
    narrowed = any((scope.content_ref, scope.since, scope.until))
    exhibits = render_template("evidence/pack_exhibits.html", **{
        **context, "events": in_scope if narrowed else [e for e in in_scope if e.event_type in EXHIBIT_DEFAULT_TYPES]})
    files["report.html"], files["exhibits.html"] = html.encode(), exhibits.encode()
    progress("pdf")
    files["report.pdf"], files["exhibits.pdf"] = pdfs(html, exhibits)
    manifest = {
        "format": 2,
        "generated_at": now.isoformat(),
        "generated_by": generated_by,
        "employee": {"number": employee.number, "name": employee.name,
                     "name_sha256": name_hash(employee.number, employee.name)},
        "chain": chain,
        "scope": {"content": scope.content_ref, "since": scope.since.isoformat() if scope.since else None,
                  "until": scope.until.isoformat() if scope.until else None},
        "head": {"seq": head.seq, "hash": head.hash},
        "anchored_through": proof.anchored_through,
        "not_yet_anchored": pending,
        "latest_published_head": proof.latest.signed() if proof.latest else None,
        "next_publication": next_publication.isoformat() if pending else None,
        "public_key": public_key_hex(),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    files["manifest.json"] = manifest_bytes
    files["manifest.sig"] = (sign(manifest_bytes)[0] + "\n").encode()
    stamp = now.astimezone(SHANGHAI).strftime("%Y%m%d-%H%M%S")
    folder = f"evidence-{employee.number}-{stamp}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(f"{folder}/{name}", data)
    return Pack(filename=f"{folder}.zip", data=buffer.getvalue(), manifest=manifest)


@job(retries=2, retry_delay=10)
def build_pack(pack_request_id: int) -> None:
    """The background job for every pack request, from the pages or the API: build it and keep it for download."""
    request = db.session.get(PackRequest, pack_request_id)
    if request is None or request.status == "ready":
        return

    def progress(stage: str) -> None:
        request.status, request.stage = "building", stage
        db.session.commit()

    progress("events")
    try:
        with current_app.test_request_context():  # templates need a request; a job has none of its own
            built = assemble(request.employee, PackScope(request.content_ref, request.since, request.until),
                             request.requested_by.username, progress)
    except LookupError:
        request.status, request.error, request.finished_at = "failed", "no recorded events", utcnow()
        db.session.commit()
        return
    request.status, request.stage, request.finished_at = "ready", "done", utcnow()
    request.filename, request.data = built.filename, built.data
    request.sha256 = hashlib.sha256(built.data).hexdigest()
    evidence_pack_ready.send(None, pack_request=request)  # the requester's notice and the pack.ready webhook
    db.session.commit()


# A child Python that draws one HTML document as PDF (stdin to stdout); it needs only WeasyPrint.
PDF_CHILD = "import sys; from weasyprint import HTML; sys.stdout.buffer.write(HTML(string=sys.stdin.read()).write_pdf())"
# Below this size a second process costs more (starting Python and WeasyPrint) than it saves.
PARALLEL_FROM_BYTES = 150_000
PDF_CHILD_SECONDS = 600  # a child that hangs is stopped and its document drawn here


def _pdf(html: str) -> bytes:
    """The same document as PDF; WeasyPrint draws CJK text with the system's Noto CJK fonts."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def pdfs(first: str, second: str, parallel_from: int = PARALLEL_FROM_BYTES) -> tuple[bytes, bytes]:
    """Both documents as PDF. WeasyPrint holds the GIL, so when the second is long it is drawn by a
    child process on another core while this one draws the first (a 1,000-event pack waits for the
    longer of the two, not their sum). If the child fails, this process draws it after all."""
    if len(second) < parallel_from:
        return _pdf(first), _pdf(second)
    child = subprocess.Popen([sys.executable, "-c", PDF_CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    answer: dict[str, bytes] = {}

    def talk() -> None:
        try:
            answer["out"], answer["err"] = child.communicate(second.encode(), timeout=PDF_CHILD_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()

    talker = threading.Thread(target=talk)
    talker.start()
    try:
        drawn = _pdf(first)
    finally:
        talker.join()
    if child.returncode != 0 or not answer.get("out", b"").startswith(b"%PDF"):
        log.warning("evidence pack: the PDF child failed (%s); drawing here", answer.get("err", b"")[-300:])
        return drawn, _pdf(second)
    return drawn, answer["out"]
