"""HR's evidence pages: per-employee timeline, packs, verification, checkpoints, paper receipts, witnesses."""

from __future__ import annotations

import io
import json
from datetime import date

import sqlalchemy as sa
from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from portal.auth.access import authorize, current_actor, public, requires
from portal.auth.policy import can
from portal.core.types import local_today, utcnow
from portal.core.bounds import positive_int
from portal.core.kept import kept
from portal.core.listing import Key, Ordering, paginate
from portal.core.uploads import MAX_BYTES, UploadRefused, check_scan
from portal.courses.models import CourseVersion
from portal.evidence import log as evidence_log
from portal.evidence import operations, witnesses
from portal.evidence.forms import ActionForm, PaperReceiptForm, WitnessForm
from portal.evidence.ledger import ContentRef
from portal.evidence.chain import chain_key
from portal.evidence.models import ChainHead, Checkpoint, EvidenceEvent, VerificationRun, PackRequest, PaperReceipt, TreeHead, Witness
from portal.evidence.signing import fingerprint
from portal.evidence.pack import PackScope, build_pack
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.notices.models import NoticeVersion
from portal.org.models import Employee
from portal.scans import store as scan_store
from portal.web.errors import refuse
from portal.web.files import send_stored_file, upload_message
from portal.web.htmx import page_or_fragment
from portal.web.i18n import locale_code
from portal.web.templating import local_datetime

bp = Blueprint("evidence", __name__, url_prefix="/evidence", cli_group="evidence")


@bp.get("/")
@requires("evidence.view")
def index() -> str:
    """Find an employee's evidence; the last whole-ledger verification; checkpoints."""
    query = request.args.get("q", "").strip()[:100]
    people = []
    if query:
        like = f"%{query}%"
        people = list(db.session.execute(
            sa.select(Employee).where(sa.or_(Employee.name.ilike(like), Employee.number.ilike(like)))
            .order_by(Employee.number).limit(30)).scalars())
    checkpoints = list(db.session.execute(sa.select(Checkpoint).order_by(Checkpoint.id.desc()).limit(10)).scalars())
    heads = list(db.session.execute(sa.select(TreeHead).order_by(TreeHead.size.desc()).limit(10)).scalars())
    published = evidence_log.published_sizes(h.size for h in heads)
    witness_rows = list(db.session.execute(sa.select(Witness).order_by(Witness.id)).scalars())
    return render_template("evidence/index.html", query=query, people=people, checkpoints=checkpoints, heads=heads,
                           published=published, witnesses=witness_rows, kind_names=witnesses.KIND_NAMES, key=fingerprint(),
                           last=operations.last_verification(), form=ActionForm())


def _date_value(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


def _scope() -> PackScope:
    args = request.args
    return PackScope(content_ref=args.get("content") or None, since=_date_value(args.get("from")),
                     until=_date_value(args.get("to")))


@bp.get("/employees/<int:employee_id>")
@requires("evidence.view")
def employee(employee_id: int) -> Response:
    """Every recorded event of one employee, filtered; the filter form swaps ``#evidence-timeline``."""
    # The chain is append-only and its head names its last event: what is drawn from the chain
    # (and the paper receipts, each recorded with its event) is kept until the head moves.
    # The employee, the chain head and the last verification of the chain in one statement.
    last_run = (sa.select(VerificationRun.id).where(VerificationRun.employee_id == employee_id)
                .order_by(VerificationRun.id.desc()).limit(1).scalar_subquery())
    found = db.session.execute(sa.select(Employee, ChainHead.seq, ChainHead.hash, VerificationRun)
                               .select_from(Employee).outerjoin(ChainHead, ChainHead.chain == chain_key(employee_id))
                               .outerjoin(VerificationRun, VerificationRun.id == last_run)
                               .where(Employee.id == employee_id)).first()
    if found is None:
        abort(404)
    person, head, last = found[0], (found[1], found[2]), found[3]
    authorize("evidence.view", person)
    scope = _scope()
    event_type = request.args.get("type") or None
    requested = request.args.get("page", 1, type=positive_int) or 1
    at = request.args.get("at", "")[:500]
    locale = locale_code()
    filters, receipts = kept(("evidence of one employee", person.id, head, locale, scope, event_type),
                             lambda: _chain_parts(person.id, scope, event_type, locale))
    timeline = kept(("timeline of one employee", person.id, head, locale, scope, event_type, requested, at),
                    lambda: _timeline(person.id, head[0] or 0, scope, event_type, requested, at, locale))
    return page_or_fragment(
        "evidence/employee.html", "evidence/_timeline.html", "evidence-timeline",
        person=person, filters=filters, receipts=receipts, timeline=timeline, scope=scope,
        last=last, locale=locale,
    )


def _chain_parts(employee_id: int, scope: PackScope, event_type: str | None, locale: str) -> tuple[Markup, Markup]:
    """The filter form (the courses, notices, cases and kinds of event on the chain) and the paper
    receipts with their purged scans."""
    contents = sorted({r for (r,) in db.session.execute(
        sa.select(EvidenceEvent.content_ref).where(EvidenceEvent.employee_id == employee_id).distinct()) if r})
    contents += sorted({f"case:{case}" for (body,) in db.session.execute(
        sa.select(EvidenceEvent.body).where(EvidenceEvent.employee_id == employee_id,
                                            EvidenceEvent.event_type.like("case_%")))
        if (case := json.loads(body)["payload"].get("case")) is not None})
    types = sorted({t for (t,) in db.session.execute(
        sa.select(EvidenceEvent.event_type).where(EvidenceEvent.employee_id == employee_id).distinct())})
    receipts = db.session.query(PaperReceipt).filter_by(employee_id=employee_id).order_by(PaperReceipt.id).all()
    return (Markup(render_template("evidence/_filters.html", person_id=employee_id, scope=scope, event_type=event_type,
                                   contents=contents, types=types, locale=locale)),
            Markup(render_template("evidence/_receipts.html", receipts=receipts,
                                   purges=operations.scan_purges(employee_id) if receipts else {})))


EVENTS_PER_PAGE = 50
NEWEST_FIRST = Ordering((Key(EvidenceEvent.seq, True),))  # seq is unique within the employee's chain


def _timeline(employee_id: int, head_seq: int, scope: PackScope, event_type: str | None, requested: int, at: str,
              locale: str) -> Markup:
    """One page of the employee's events, newest first, read by keyset along the chain's
    (chain, seq) index. Unfiltered, the chain's head seq is the number of events (seqs run from 1
    without gaps), so only a filtered page counts its rows."""
    stmt = sa.select(EvidenceEvent).where(EvidenceEvent.chain == chain_key(employee_id), scope.condition())
    if event_type:
        stmt = stmt.where(EvidenceEvent.event_type == event_type)
    filtered = bool(event_type or scope.content_ref or scope.since or scope.until)
    events, page = paginate(db.session, stmt, requested, EVENTS_PER_PAGE, NEWEST_FIRST, at,
                            total=None if filtered else head_seq)
    args = {"type": event_type, "content": scope.content_ref, "from": scope.since, "to": scope.until}
    return Markup(render_template("evidence/_timeline_events.html", events=events, page=page, person_id=employee_id,
                                  args={name: value for name, value in args.items() if value}, locale=locale))


@bp.post("/employees/<int:employee_id>/verify")
@requires("evidence.verify")
def verify(employee_id: int) -> Response:
    """Verify this employee's chain now and keep the result."""
    person = db.get_or_404(Employee, employee_id)
    authorize("evidence.verify", person)
    if not ActionForm().validate_on_submit():
        abort(400)
    started = utcnow()
    run = operations.record_verification(operations.verify_ledger(person.id), started, person.id, current_user.id)
    if run.ok:
        flash(_("Verified: %(count)d events, no change found.", count=run.events_checked), "success")
    else:
        flash(_("Verification FAILED: %(problem)s", problem=run.first_problem), "warning")
    return redirect(url_for("evidence.employee", employee_id=person.id), 303)


@bp.post("/employees/<int:employee_id>/packs")
@requires("evidence.pack")
def request_pack(employee_id: int) -> Response | tuple[str, int]:
    """Ask for an evidence pack; it is built in the background (at most a few per user and hour)."""
    person = db.get_or_404(Employee, employee_id)
    authorize("evidence.pack", person)
    if not ActionForm().validate_on_submit():
        abort(400)
    limit = int(current_app.config["EVIDENCE_PACKS_PER_HOUR"])
    if operations.pack_limit_reached(current_user.id, limit, utcnow()):
        message = _("You asked for %(limit)d evidence packs in the last hour; please wait before asking again.",
                    limit=limit)
        return render_template("evidence/pack_limit.html", person=person, message=message), 429
    scope = PackScope(content_ref=request.form.get("content") or None, since=_date_value(request.form.get("from")),
                      until=_date_value(request.form.get("to")))
    pack_request = operations.request_pack(person.id, current_user.id, scope)
    db.session.commit()
    build_pack.delay(pack_request.id)
    return redirect(url_for("evidence.pack_status", request_id=pack_request.id), 303)


def _own_pack_request(request_id: int) -> PackRequest:
    pack_request = db.get_or_404(PackRequest, request_id)
    authorize("evidence.pack", pack_request.employee)
    if pack_request.requested_by_id != current_user.id and not can(current_actor(), "evidence.view", pack_request.employee):
        abort(404)
    return pack_request


@bp.get("/packs/<int:request_id>")
@requires("evidence.pack")
def pack_status(request_id: int) -> Response:
    """Progress of a pack; htmx polls ``#pack-status``, without JavaScript a refresh link does."""
    pack_request = _own_pack_request(request_id)
    return page_or_fragment("evidence/pack_status.html", "evidence/_pack_status.html", "pack-status",
                            pack_request=pack_request)


@bp.get("/packs/<int:request_id>/download")
@requires("evidence.pack")
def pack_download(request_id: int) -> Response:
    """The finished pack ZIP, kept for download."""
    pack_request = _own_pack_request(request_id)
    if pack_request.status != "ready":
        abort(404)
    return send_file(io.BytesIO(pack_request.data), mimetype="application/zip", as_attachment=True,
                     download_name=pack_request.filename)


@bp.get("/log/heads")
@public
def log_heads() -> Response:
    """The published signed tree heads, for witnesses and ``flask evidence monitor`` (public: sizes and roots only)."""
    return jsonify(heads=[head.signed() for head in evidence_log.published_heads()])


@bp.get("/log/consistency")
@public
def log_consistency() -> Response | tuple[Response, int]:
    """An RFC 6962 consistency proof between two published tree sizes."""
    first, second = request.args.get("first", ""), request.args.get("second", "")
    asked = [int(size) for size in (first, second) if size.isdigit() and len(size) < 19]
    sizes = evidence_log.published_sizes(asked)
    if not (len(asked) == 2 and int(first) in sizes and int(second) in sizes and int(first) <= int(second)):
        return jsonify(error="first and second must be published tree sizes, first ≤ second"), 400
    tree = evidence_log.load_tree(int(second))
    return jsonify(proof=[p.hex() for p in tree.consistency_proof(int(first))])


def _content_choices() -> list[SelectChoice]:
    choices = [SelectChoice("", _("Choose…"))]
    for version in db.session.execute(sa.select(CourseVersion).order_by(CourseVersion.course_id, CourseVersion.id)).scalars():
        label = f"{version.snapshot['title']} · {version.locale} v{version.number}"
        choices.append(SelectChoice(f"course:{version.id}", label))
    for version in db.session.execute(sa.select(NoticeVersion).order_by(NoticeVersion.id)).scalars():
        choices.append(SelectChoice(f"notice:{version.id}", f"{version.snapshot['title']['zh_CN']} · v{version.number}"))
    return choices


def _content_ref(choice: str) -> ContentRef | None:
    kind, _sep, raw_id = choice.partition(":")
    version_id = positive_int(raw_id)
    if version_id is None:
        return None
    if kind == "course":
        version = db.session.get(CourseVersion, version_id)
        return version and ContentRef("course", version.course.slug, version.number, version.sha256)
    if kind == "notice":
        notice_version = db.session.get(NoticeVersion, version_id)
        if notice_version is None:
            return None
        key = notice_version.snapshot.get("key") or str(notice_version.notice_id)
        return ContentRef("notice", key, notice_version.number, notice_version.sha256)
    return None


@bp.route("/employees/<int:employee_id>/paper-receipts/new", methods=["GET", "POST"])
@requires("evidence.record_paper")
def paper_receipt(employee_id: int) -> Response | tuple[str, int]:
    """Record an acknowledgement signed on paper, with its scan; the scan's hash joins the chain."""
    person = db.get_or_404(Employee, employee_id)
    authorize("evidence.record_paper", person)
    form = PaperReceiptForm()
    form.content.choices = _content_choices()
    if form.validate_on_submit():
        content = _content_ref(form.content.data)
        if content is None:
            form.content.errors.append(_("Choose what the employee signed."))
        elif form.signed_on.data > local_today():
            form.signed_on.errors.append(_("This date is in the future."))
        else:
            upload = form.scan.data
            try:
                checked = check_scan(upload.read(MAX_BYTES + 1))
            except UploadRefused as refused:
                form.scan.errors.append(upload_message(refused))
            else:
                operations.record_paper_receipt(operations.PaperReceiptData(
                    employee_id=person.id, content=content, signed_on=form.signed_on.data,
                    note=(form.note.data or "").strip() or None, scan_filename=(upload.filename or "")[:200],
                    scan_mimetype=checked.mimetype, scan=checked.data,
                ), current_user.id, request_origin())
                flash(_("The paper acknowledgement is recorded."), "success")
                return redirect(url_for("evidence.employee", employee_id=person.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("evidence/paper_receipt.html", person=person, form=form), status


@bp.get("/paper-receipts/<int:receipt_id>/scan")
@requires("evidence.view")
def scan(receipt_id: int) -> Response:
    """The stored scan of a paper receipt, as a download (never rendered in the portal's origin)."""
    receipt = db.get_or_404(PaperReceipt, receipt_id)
    authorize("evidence.view", receipt)
    data = scan_store.load(receipt.scan_sha256)
    if data is None:
        purge = operations.scan_purges(receipt.employee_id).get(receipt.scan_sha256)
        refuse(410, _("This scan was deleted on %(date)s under the retention rule (scans of staff who left more "
                      "than %(years)d years ago); its SHA-256 stays in the evidence chain.",
                      date=local_datetime(purge.at), years=purge.years) if purge else _("This scan is not stored."))
    return send_stored_file(data, receipt.scan_sha256, receipt.scan_filename)


@bp.post("/publish")
@requires("evidence.verify")
def publish() -> Response:
    """Publish now (the scheduled run is hourly): log new events, sign, timestamp, send to witnesses."""
    if not ActionForm().validate_on_submit():
        abort(400)
    result = evidence_log.publish()
    head = result.head or evidence_log.latest_head()
    if head is not None:
        flash(_("Signed tree head of size %(size)d published; %(count)d deliveries to witnesses.",
                size=head.size, count=result.delivered), "success")
    if result.failures:
        flash(_("Not everything could be done; the next run retries: %(first)s", first=result.failures[0]), "warning")
    return redirect(url_for("evidence.index"), 303)


@bp.route("/witnesses", methods=["GET", "POST"])
@requires("evidence.witnesses")
def witness_list() -> Response | tuple[str, int]:
    """The witnesses that receive every signed tree head, their latest receipts, and a form to add one."""
    form = WitnessForm()
    if form.validate_on_submit():
        try:
            witness = witnesses.add(form.kind.data, form.target.data or "", form.label.data or "", current_user.id,
                                    request_origin())
        except witnesses.WitnessRefused as refused:
            getattr(form, refused.field).errors.append(str(refused.message))
        else:
            flash(_("%(label)s is a witness now; the next publication sends them the latest signed tree head.",
                    label=witness.label), "success")
            return redirect(url_for("evidence.witness_list"), 303)
    rows = list(db.session.execute(sa.select(Witness).order_by(Witness.active.desc(), Witness.id)).scalars())
    status = 422 if form.is_submitted() else 200
    return render_template("evidence/witnesses.html", form=form, witnesses=rows, action=ActionForm(), kind_names=witnesses.KIND_NAMES,
                           receipts=witnesses.receipts([w.id for w in rows])), status


@bp.post("/witnesses/<int:witness_id>/disable")
@requires("evidence.witnesses")
def disable_witness(witness_id: int) -> Response:
    """Stop sending heads to a witness (recorded in the ledger; its receipts stay)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    witness = witnesses.disable(witness_id, current_user.id, request_origin())
    if witness is None:
        abort(404)
    flash(_("%(label)s receives no more signed tree heads.", label=witness.label), "success")
    return redirect(url_for("evidence.witness_list"), 303)


@bp.get("/checkpoints/<int:checkpoint_id>")
@requires("evidence.view")
def checkpoint_detail(checkpoint_id: int) -> str:
    """A printable checkpoint to hand or mail to outside parties."""
    return render_template("evidence/checkpoint.html", checkpoint=db.get_or_404(Checkpoint, checkpoint_id))
