"""HR's evidence pages: per-employee timeline, packs, verification, checkpoints, paper receipts."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.auth.access import authorize, requires
from portal.core.types import local_today, utcnow
from portal.core.bounds import positive_int
from portal.core.uploads import MAX_BYTES, UploadRefused, check_scan
from portal.courses.models import CourseVersion
from portal.evidence import operations
from portal.evidence.forms import ActionForm, PaperReceiptForm
from portal.evidence.ledger import ContentRef
from portal.evidence.models import Checkpoint, EvidenceEvent, PaperReceipt
from portal.evidence.pack import PackScope, build_pack
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.notices.models import NoticeVersion
from portal.org.models import Employee
from portal.web.files import send_stored_file, upload_message
from portal.web.htmx import page_or_fragment
from portal.web.i18n import locale_code

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
    return render_template("evidence/index.html", query=query, people=people, checkpoints=checkpoints,
                           last=operations.last_verification(), form=ActionForm())


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _scope() -> PackScope:
    return PackScope(content_ref=request.args.get("content") or None, since=_date_arg("from"), until=_date_arg("to"))


@bp.get("/employees/<int:employee_id>")
@requires("evidence.view")
def employee(employee_id: int) -> Response:
    """Every recorded event of one employee, filtered; the filter form swaps ``#evidence-timeline``."""
    person = db.get_or_404(Employee, employee_id)
    authorize("evidence.view", person)
    scope = _scope()
    event_type = request.args.get("type") or None
    stmt = sa.select(EvidenceEvent).where(EvidenceEvent.employee_id == person.id).order_by(EvidenceEvent.seq.desc())
    if event_type:
        stmt = stmt.where(EvidenceEvent.event_type == event_type)
    events = [e for e in db.session.execute(stmt).scalars() if scope.includes(e)]
    contents = sorted({r for (r,) in db.session.execute(
        sa.select(EvidenceEvent.content_ref).where(EvidenceEvent.employee_id == person.id).distinct()) if r})
    types = sorted({t for (t,) in db.session.execute(
        sa.select(EvidenceEvent.event_type).where(EvidenceEvent.employee_id == person.id).distinct())})
    return page_or_fragment(
        "evidence/employee.html", "evidence/_timeline.html", "evidence-timeline",
        person=person, events=events, scope=scope, event_type=event_type, contents=contents, types=types,
        last=operations.last_verification(person.id), form=ActionForm(), locale=locale_code(),
        receipts=db.session.query(PaperReceipt).filter_by(employee_id=person.id).order_by(PaperReceipt.id).all(),
    )


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


@bp.get("/employees/<int:employee_id>/pack.zip")
@requires("evidence.pack")
def pack(employee_id: int) -> Response:
    """The evidence pack ZIP: employees download their own, HR and admin anyone's."""
    person = db.get_or_404(Employee, employee_id)
    authorize("evidence.pack", person)
    try:
        built = build_pack(person, _scope(), generated_by=current_user.username)
    except LookupError:
        abort(404)
    response = Response(built.data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f"attachment; filename={built.filename}"
    return response


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
    return send_stored_file(receipt.scan, receipt.scan_sha256, receipt.scan_filename)


@bp.post("/checkpoints")
@requires("evidence.verify")
def checkpoint() -> Response:
    """Take a checkpoint now (the scheduled one runs from cron: flask evidence checkpoint)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    taken = operations.take_checkpoint()
    return redirect(url_for("evidence.checkpoint_detail", checkpoint_id=taken.id), 303)


@bp.get("/checkpoints/<int:checkpoint_id>")
@requires("evidence.view")
def checkpoint_detail(checkpoint_id: int) -> str:
    """A printable checkpoint to hand or mail to outside parties."""
    return render_template("evidence/checkpoint.html", checkpoint=db.get_or_404(Checkpoint, checkpoint_id))
