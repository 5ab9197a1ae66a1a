"""HR's side: write and version notices, push them, follow deliveries, answer questions and objections."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.auth.access import requires
from portal.evidence.web import request_origin
from portal.core.paging import sort_of
from portal.extensions import db
from portal.lifecycle.rules import ChangeKind
from portal.notices import operations, records, rules
from portal.notices.forms import AnswerForm, NoticeForm, PushForm
from portal.notices.models import Notice, NoticeResponse
from portal.notices.presenters import KIND_LABELS, STATUS_LABELS, body_html
from portal.notices.rules import Status
from portal.org.operations import department_choices
from portal.web.errors import refuse
from portal.web.htmx import page_or_fragment
from portal.web.i18n import locale_code
from portal.web.fragments import form_fragment, kept_form, kept_fragment
from portal.web.templating import as_text
from portal.core.bounds import positive_int
from portal.core.replica import reads_from_replica

bp = Blueprint("notices_admin", __name__, url_prefix="/records/notices")


@bp.get("/")
@requires("notice.manage")
@reads_from_replica
def index() -> str:
    """Every notice with its versions, deliveries by status and open questions."""
    summaries = records.notice_summaries(operations.shanghai_date())
    return render_template("notices/admin/index.html", summaries=summaries, locale=locale_code(),
                           open_responses=sum(s.open_responses for s in summaries))


@bp.route("/new", methods=["GET", "POST"])
@requires("notice.manage")
def create() -> Response | tuple[str, int]:
    """HR writes a notice: Chinese required, English optional."""
    return _notice_form(None)


@bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@requires("notice.manage")
def edit(notice_id: int) -> Response | tuple[str, int]:
    """HR changes a notice's text: a changed text is a new version, the old ones stay as they were."""
    notice = db.get_or_404(Notice, notice_id)
    if notice.key:  # the files are the source of truth; an edit here would make the next sync fail
        refuse(409, _("This scenario notice comes from the file notices/%(key)s.zh_CN.md (and .en.md). Change the "
                      "files and run flask notices sync.", key=notice.key))
    return _notice_form(notice)


def _notice_form(notice: Notice | None) -> Response | tuple[str, int]:
    current = None
    if notice is not None and request.method == "GET":
        snapshot = notice.newest.snapshot
        current = {f"{field}_{short}": snapshot[field][locale]
                   for field in ("title", "body") for locale, short in (("zh_CN", "zh"), ("en", "en"))}
        current["validity_months"] = notice.validity_months
    form = NoticeForm(data=current)
    if form.validate_on_submit():
        try:
            version, created = operations.save_notice(
                notice, {"zh_CN": form.title_zh.data, "en": form.title_en.data},
                {"zh_CN": form.body_zh.data, "en": form.body_en.data}, current_user.id, request_origin(),
                change=ChangeKind(form.change.data), change_note=form.change_note.data,
            )
            version.notice.validity_months = form.validity_months.data
        except operations.EarlierText as earlier:
            form.body_zh.errors.append(_("This is the text of version %(number)d. A version is never published "
                                         "twice: change the text to publish it again.", number=earlier.version.number))
        else:
            db.session.commit()
            flash(_("Saved as version %(number)d.", number=version.number) if created
                  else _("The text is unchanged; it stays version %(number)d.", number=version.number), "success")
            return redirect(url_for("notices_admin.detail", notice_id=version.notice_id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("notices/admin/form.html", form=form, notice=notice), status


PUSH_FORM = "notices/admin/_push_form.html"


def _push_form(departments: tuple[tuple[int, str], ...]) -> PushForm:
    """The push form; ``departments`` (``department_choices``) also fill the deliveries' filter, so
    the page reads them once."""
    form = PushForm(data={"due_date": rules.due_date(operations.shanghai_date())})
    form.department.choices = [(0, "—"), *departments]
    return form


def _filter() -> records.DeliveryFilter:
    args = request.args
    status = args.get("status", "")
    return records.DeliveryFilter(
        query=args.get("q", "")[:100], department_id=args.get("department", type=positive_int),
        status=Status(status) if status in {s.value for s in Status} else None,
        page=args.get("page", 1, type=positive_int), sort=sort_of(args.get("sort"), records.DELIVERY_SORTS, "number"),
        at=args.get("at", "")[:500],
    )


class VersionLine(NamedTuple):
    """One version as the notice's page lists it."""

    number: int
    created_at: datetime
    sha256: str
    change_kind: str | None
    change_note: str | None


def _detail_page(notice: Notice, push_form: PushForm | None = None, departments: tuple[tuple[int, str], ...] | None = None,
                 status: int = 200, departments_stamp: str | None = None, criteria: records.DeliveryFilter | None = None,
                 today: date | None = None, counted: dict[str, int] | None = None,
                 members: tuple[str | None, ...] | None = None) -> Response:
    """The notice's page; ``counted``: its deliveries' counts for ``criteria`` on ``today``, or
    ``members``, a search's stamps, when read with the notice (``records.notice_for_deliveries``)."""
    criteria = criteria or _filter()
    today = today or operations.shanghai_date()
    locale = locale_code()
    shown = (department_choices(locale, visible_only=False, stamp=departments_stamp) if departments is None
             else departments)  # the filter's and the push form's choices, and the table's department names

    def page_only() -> dict[str, object]:
        filters = kept_fragment("notices/admin/_delivery_filters.html", notice_id=notice.id, criteria=criteria,
                                departments=shown, status_labels=as_text(STATUS_LABELS))
        if push_form is None:  # fresh: kept by what it shows
            due = rules.due_date(today)
            push = kept_form(PUSH_FORM, (notice.id, shown, due), lambda: _push_form(shown), notice_id=notice.id)
        else:
            push = form_fragment(PUSH_FORM, push_form, notice_id=notice.id)
        newest = notice.newest
        heading = kept_fragment(
            "notices/admin/_notice_heading.html", notice_id=notice.id, key=notice.key,
            validity_months=notice.validity_months, title=newest.title(locale), newest_number=newest.number,
            html=body_html(newest, locale),
            versions=tuple(VersionLine(v.number, v.created_at, v.sha256, v.change_kind, v.change_note)
                           for v in reversed(notice.versions)))
        return {"heading_html": heading, "filters_html": filters, "push_html": push}

    return page_or_fragment(
        "notices/admin/detail.html", "notices/admin/_deliveries.html", "notice-deliveries", status=status,
        page_only=page_only,
        listing={"notice_id": notice.id, "criteria": criteria, "status_labels": as_text(STATUS_LABELS),
                 "table": records.deliveries(notice, criteria, today, counted, departments_stamp, members),
                 "departments": shown},
        page_title=notice.newest.title(locale), version_number=notice.newest.number,
    )


@bp.get("/<int:notice_id>")
@requires("notice.manage")
@reads_from_replica
def detail(notice_id: int) -> Response:
    """Versions, the newest text, deliveries × status with filters (htmx swaps ``#notice-deliveries``)."""
    criteria = _filter()
    today = operations.shanghai_date()
    found = records.notice_for_deliveries(notice_id, criteria, today)
    if found is None:
        abort(404)
    notice, departments_stamp, counted, members = found  # read in one statement
    return _detail_page(notice, departments_stamp=departments_stamp, criteria=criteria, today=today, counted=counted,
                        members=members)


@bp.post("/<int:notice_id>/push")
@requires("notice.manage")
def push(notice_id: int) -> Response:
    """Push the newest version to employee numbers and/or a department, all or nothing."""
    notice = db.get_or_404(Notice, notice_id)
    departments = department_choices(locale_code(), visible_only=False)
    form = _push_form(departments)
    if form.validate_on_submit():
        people, unknown = operations.recipients(rules.employee_numbers(form.employee_numbers.data or ""),
                                                form.department.data)
        if unknown:
            form.employee_numbers.errors.append(_("Unknown employee numbers: %(numbers)s. Nothing was pushed.",
                                                  numbers=", ".join(unknown[:20])))
        elif not people:
            form.employee_numbers.errors.append(_("Enter employee numbers or choose a department."))
        if rules.due_date_is_past(form.due_date.data, operations.shanghai_date()):
            form.due_date.errors.append(_("The date is in the past."))
        if not (form.employee_numbers.errors or form.due_date.errors):
            created = operations.push_notice(notice.newest, people, form.due_date.data, current_user.id,
                                             request_origin())
            db.session.commit()
            flash(_("Pushed version %(number)d to %(created)d people; %(skipped)d already had it.",
                    number=notice.newest.number, created=len(created), skipped=len(people) - len(created)), "success")
            return redirect(url_for("notices_admin.detail", notice_id=notice.id), 303)
    return _detail_page(notice, form, departments, status=422)


def _responses_page(failed: tuple[int, AnswerForm] | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "notices/admin/responses.html", open_items=records.responses(answered=False),
        answered=records.responses(answered=True), kind_labels=KIND_LABELS, locale=locale_code(),
        failed_id=failed[0] if failed else None, failed_form=failed[1] if failed else None,
    ), status


@bp.get("/responses")
@requires("notice.manage")
def responses() -> tuple[str, int]:
    """Employees' questions and objections: open ones first, each newest first."""
    return _responses_page()


@bp.post("/responses/<int:response_id>/answer")
@requires("notice.manage")
def answer(response_id: int) -> Response | tuple[str, int]:
    """HR answers a question or objection; the employee sees it on the notice page."""
    response = db.get_or_404(NoticeResponse, response_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _responses_page((response.id, form), status=422)
    try:
        operations.answer_response(response, form.answer.data, current_user.id, request_origin())
    except operations.AlreadyAnswered:
        refuse(409, _("This was already answered. The employee can send a follow-up question."))
    db.session.commit()
    flash(_("Answer sent to %(name)s.", name=response.employee.name), "success")
    return redirect(url_for("notices_admin.responses"), 303)
