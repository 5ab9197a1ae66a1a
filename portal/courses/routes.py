"""The employee's side: My learning, the lesson reader, the quiz, the acknowledgement, receipts."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.auth.access import authorize, own_rows, requires
from portal.auth.figures import PageRead, read_with_the_account_on
from portal.courses import operations, rules
from portal.courses.forms import AcknowledgeForm, QuizForm, ReadForm
from portal.courses.models import Acknowledgement, Assignment, Course, CourseVersion
from portal.courses.presenters import MISSING_LABELS, kind_hint, lesson_html, questions_of, status_labels
from portal.core.records import commit_keeping_loaded
from portal.core.types import local_today
from portal.evidence.web import request_origin
from portal.lifecycle.operations import course_standing
from portal.org.models import Employee
from portal.notifications.receipts import queue_course_receipt
from portal.web.errors import refuse
from portal.web.fragments import kept_fragment_of
from portal.web.htmx import page_or_fragment
from portal.web.i18n import locale_code
from portal.web.kept_html import kept_html
from portal.web import layout
from portal.web.signed_in import request_user
from portal.web.templating import as_text, timestamp

bp = Blueprint("courses", __name__, url_prefix="/learning", cli_group="courses")
T = TypeVar("T", bound=tuple[Any, ...])


def _mine(found: T | None) -> T:
    """What was found of the signed-in employee's assignment, led by it: 404 when not assigned."""
    if found is None:
        abort(404)
    authorize("learning.self", found[0])
    return found


def _employee_id() -> int:
    employee_id: int | None = request_user().employee_id
    if employee_id is None:
        abort(404)
    return employee_id


def _my_facts() -> operations.CourseFacts:
    """What the lesson reader and the quiz show of the signed-in employee's assignment of the
    page's course (404 when not assigned), with their reading of the page's lesson."""
    _employee_id()  # 404 for an account without an employee record
    facts = operations.course_facts(own_rows(), locale_code(), request_user().employee.department_id)
    if facts is None:
        abort(404)
    authorize("learning.self", facts)
    return facts


read_with_the_account_on("courses.lesson", operations.my_course_facts_read())
read_with_the_account_on("courses.quiz", operations.my_course_facts_read())


def _my_course(slug: str) -> tuple[Course, Assignment, CourseVersion]:
    """The signed-in employee's current assignment of ``slug`` (404 when not assigned)."""
    assignment, version = _mine(operations.my_course(slug, _employee_id(), locale_code()))
    return assignment.course, assignment, version


read_with_the_account_on("courses.index", operations.my_assignments_read())


@bp.get("/")
@requires("learning.self")
def index() -> Response:
    """My learning: assigned, due, overdue and done."""
    _employee_id()
    today, rows = operations.today_in_shanghai(), own_rows()

    def learning() -> dict[str, Any]:
        assignments = [operations.MyAssignment(*row) for row in rows]
        states = [rules.status(opened=a.first_opened_at is not None, quiz_passed=a.quiz_passed_at is not None,
                               acknowledged=a.acknowledged_at is not None, due=a.due_date, today=today)
                  for a in assignments]
        return dict(assignments=assignments, states=states, status_labels=as_text(status_labels()), locale=locale_code())

    return layout.page(_("My learning"), kept_fragment_of("courses/_my_learning.html", (rows, today), learning))


@bp.get("/<slug>")
@requires("learning.self")
def course(slug: str) -> str:
    """A course's lessons, quiz and acknowledgement, with what is done."""
    course, assignment, version = _my_course(slug)
    return render_template(
        "courses/course.html", course=course, assignment=assignment, version=version,
        progress=operations.progress_for(assignment, version),
        quiz_passed=operations.quiz_passed_on(assignment, version),
        missing=operations.blockers(assignment, version),
    )


def _lesson(version: CourseVersion | ShownVersion, number: int) -> dict:
    lessons = version.snapshot["lessons"]
    if not 1 <= number <= len(lessons):
        abort(404)
    return lessons[number - 1]


@bp.get("/<slug>/lessons/<int:number>")
@requires("learning.self")
def lesson(slug: str, number: int) -> Response:
    """Read one lesson; opening it is recorded until it is read. Previous/next swap only ``#lesson-reader``."""
    facts = _my_facts()
    if facts.read_at is not None:  # a review records nothing: no records to load
        version = ShownVersion.of(facts)
        _lesson(version, number)
        return _lesson_page(facts.slug, version, number, facts.read_at)
    assignment, version, progress = _mine(operations.my_lesson(slug, _employee_id(), locale_code(), number))
    _lesson(version, number)
    progress = operations.record_opening(assignment, version, number, progress, current_user.id, request_origin())
    return _lesson_page(assignment.course.slug, version, number, progress.read_at)


class ShownVersion(NamedTuple):
    """A course version as its pages show it: its id, its content and its language."""

    id: int
    snapshot: dict[str, Any]
    locale: str

    @classmethod
    def of(cls, facts: operations.CourseFacts) -> ShownVersion:
        return cls(facts.version_id, _snapshot(facts.version_id), facts.version_locale)


def _snapshot(version_id: int) -> dict[str, Any]:
    """A course version's content, read once per process: a version never changes."""
    snapshots = current_app.extensions.setdefault("portal_course_snapshots", {})
    snapshot = snapshots.get(version_id)
    if snapshot is None:
        snapshot = snapshots[version_id] = operations.version_snapshot(version_id)
    return snapshot


def _lesson_page(slug: str, version: CourseVersion | ShownVersion, number: int, read_at_utc: datetime | None,
                 too_soon: operations.ReadTooSoon | None = None) -> Response:
    current = _lesson(version, number)
    page = dict(slug=slug, course_title=version.snapshot["title"], lesson=current, number=number)
    minimum_seconds = operations.lesson_minimum_seconds(version, number, _reading_scale())
    read_at = timestamp(read_at_utc) if read_at_utc else None

    def reader(**values: Any) -> str:
        return render_template("courses/_lesson_reader.html", **page, **{
            "total": len(version.snapshot["lessons"]), "html": lesson_html(current), "form": ReadForm(),
            "minimum_seconds": minimum_seconds, "read_at": read_at, "too_soon": too_soon, **values})

    shown = dict(page_title=current["title"], slug=slug, course_title=page["course_title"])
    if too_soon:
        response = page_or_fragment("courses/lesson.html", "_kept.html", "lesson-reader", kept=Markup(reader()), **shown)
        response.status_code = 422
        return response
    # Without a refusal, the reader shows only what the version, the lesson, its reading time, the
    # language and the mount point give, and whether and when it was read: drawn once per the former
    # and whether it was read, and kept, with the request's CSRF token and time of reading put in.
    key = ("courses/_lesson_reader.html", version.id, number, slug, minimum_seconds, read_at is not None,
           locale_code(), request.script_root)
    kept = kept_html(key, reader, **({"read_at": read_at} if read_at else {}))
    return page_or_fragment("courses/lesson.html", "_kept.html", "lesson-reader", kept=kept, **shown)


def _reading_scale() -> float:
    return float(current_app.config["LESSON_READING_SCALE"])


@bp.post("/<slug>/lessons/<int:number>/read")
@requires("learning.self")
def read(slug: str, number: int) -> Response:
    """"Finished reading": counts when the minimum time since opening has passed (server clock), then go on."""
    course, assignment, version = _my_course(slug)
    _lesson(version, number)
    if not ReadForm().validate_on_submit():
        abort(400)
    try:
        operations.mark_lesson_read(assignment, version, number, current_user.id, request_origin(),
                                    reading_scale=_reading_scale())
    except operations.ReadTooSoon as too_soon:
        progress = operations.progress_for(assignment, version).get(number)
        return _lesson_page(course.slug, version, number, progress.read_at if progress else None, too_soon)
    if number < len(version.snapshot["lessons"]):
        return redirect(url_for("courses.lesson", slug=slug, number=number + 1), 303)
    return redirect(url_for("courses.quiz", slug=slug), 303)


@bp.route("/<slug>/quiz", methods=["GET", "POST"])
@requires("learning.self")
def quiz(slug: str) -> Response:
    """The quiz: immediate feedback with explanations, as many tries as needed."""

    def context(course: Course | operations.CourseFacts, version: CourseVersion | ShownVersion) -> dict[str, Any]:
        return dict(course=course, version=version, questions=questions_of(version), form=QuizForm(), result=None,
                    chosen={}, locale=version.locale, kind_hint=kind_hint)

    if request.method == "POST":
        course, assignment, version = _my_course(slug)
        answered = context(course, version)
        questions = answered["questions"]
        if not answered["form"].validate_on_submit():
            abort(400)
        chosen = {q.id: frozenset(request.form.getlist(f"q-{q.id}")) for q in questions}
        stray = {key[2:] for key in request.form if key.startswith("q-")} - {q.id for q in questions}
        try:
            if stray:
                raise operations.UnknownAnswer
            _attempt, result = operations.submit_quiz(
                assignment, version, questions, {k: v for k, v in chosen.items() if v}, current_user.id,
                request_origin(),
            )
        except operations.UnknownAnswer:
            refuse(400, _("The answers name options this quiz does not have. Reload the quiz and answer again."))
        answered.update(result=result, chosen=chosen)
        return _quiz_page(course.slug, version.snapshot["title"], Markup(render_template("courses/_quiz.html", **answered)))
    # Unanswered, the quiz shows only what the version, the course's pass mark, the language and
    # the mount point give: drawn once and kept, with the request's CSRF token put in. The version
    # drawn is the one named in the key (read by its id), whatever is published meanwhile.
    facts = _my_facts()
    key = ("courses/_quiz.html", facts.version_id, facts.slug, facts.pass_mark, locale_code(), request.script_root)
    kept = kept_html(key, lambda: render_template("courses/_quiz.html", **context(facts, ShownVersion.of(facts))))
    return _quiz_page(facts.slug, _snapshot(facts.version_id)["title"], kept)


def _quiz_page(slug: str, course_title: str, quiz: Markup) -> Response:
    return page_or_fragment("courses/quiz.html", "_kept.html", "quiz", page_title=f'{_("Quiz")} · {course_title}',
                            slug=slug, course_title=course_title, kept=quiz)


@bp.route("/<slug>/acknowledge", methods=["GET", "POST"])
@requires("learning.self")
def acknowledge(slug: str) -> Response | tuple[str, int]:
    """The explicit acknowledgement: the exact statement and the employee's typed full name."""
    course, assignment, version = _my_course(slug)
    if assignment.acknowledgement is not None:
        return redirect(url_for("courses.receipt", number=assignment.acknowledgement.receipt_number), 303)
    terms = operations.acknowledgement_terms(assignment, version)
    missing = terms.missing
    form = AcknowledgeForm()
    if form.is_submitted() and not missing and form.validate():
        if not rules.typed_name_matches(form.typed_name.data, assignment.employee.name):
            form.typed_name.errors.append(_("Type your full name exactly as HR recorded it: %(name)s.",
                                            name=assignment.employee.name))
        else:
            record = operations.acknowledge(assignment, version, form.typed_name.data, current_user.id,
                                            request_origin(), terms)
            queue_course_receipt(record)
            commit_keeping_loaded()
            flash(_("Thank you. Your acknowledgement is recorded."), "success")
            return redirect(url_for("courses.receipt", number=record.receipt_number), 303)
    status = 409 if (form.is_submitted() and missing) else 422 if form.is_submitted() else 200
    return render_template("courses/acknowledge.html", course=course, version=version, statement=terms.statement,
                           missing=missing, missing_labels=MISSING_LABELS, form=form), status


class ReceiptPerson(NamedTuple):
    name: str
    number: str


class CourseReceipt(NamedTuple):
    """A course receipt as its page shows it: the acknowledgement, who gave it, the assignment's
    moments and the version, read as columns in one statement."""

    receipt_number: str
    acknowledged_at: datetime
    typed_name: str
    ip: str | None
    user_agent: str | None
    content_sha256: str
    event_hash: str | None
    statement: str
    subject_employee_id: int
    employee_name: str
    employee_number: str
    subject_department_id: int
    assigned_at: datetime
    first_opened_at: datetime | None
    quiz_passed_at: datetime | None
    version_id: int
    version_number: int
    version_locale: str
    course_id: int
    validity_months: int | None

    @property
    def employee(self) -> ReceiptPerson:
        return ReceiptPerson(self.employee_name, self.employee_number)


@cache
def _receipt_read() -> PageRead:
    """The receipt's columns (``CourseReceipt``), once per later version of its course in its
    language (what the standing names of them, not their texts), read with the account."""
    later = sa.orm.aliased(CourseVersion, name="later")
    return PageRead(
        sa.select(Acknowledgement.receipt_number, Acknowledgement.acknowledged_at, Acknowledgement.typed_name,
                  Acknowledgement.ip, Acknowledgement.user_agent, Acknowledgement.content_sha256,
                  Acknowledgement.event_hash, Acknowledgement.statement, Acknowledgement.employee_id, Employee.name,
                  Employee.number, Employee.department_id, Assignment.assigned_at, Assignment.first_opened_at,
                  Assignment.quiz_passed_at, CourseVersion.id, CourseVersion.number, CourseVersion.locale,
                  CourseVersion.course_id, Course.validity_months,
                  later.number, later.change_kind, later.change_note, later.created_at)
        .join(Employee, Employee.id == Acknowledgement.employee_id)
        .join(Assignment, Assignment.id == Acknowledgement.assignment_id)
        .join(CourseVersion, CourseVersion.id == Acknowledgement.version_id)
        .join(Course, Course.id == CourseVersion.course_id)
        .outerjoin(later, sa.and_(later.course_id == CourseVersion.course_id, later.locale == CourseVersion.locale,
                                  later.number > CourseVersion.number))
        .where(Acknowledgement.receipt_number == sa.bindparam("number")),
        order_by=(later.number,),
        parameters=lambda view_args: {"number": view_args.get("number", "")})


read_with_the_account_on("courses.receipt", _receipt_read())
_RECEIPT_WIDTH = len(CourseReceipt._fields)


@bp.get("/receipts/<number>")
@requires("receipt.view")
def receipt(number: str) -> Response:
    """A printable receipt: who acknowledged which exact text, when, from where, with its hash."""
    rows = own_rows() or abort(404)
    record = CourseReceipt(*rows[0][:_RECEIPT_WIDTH])
    authorize("receipt.view", record)
    version = ShownVersion(record.version_id, _snapshot(record.version_id), record.version_locale)
    # The acknowledged text is the version's, which never changes: drawn once per version and language.
    text = kept_html(("courses/_receipt_text.html", version.id, locale_code()), lambda: render_template(
        "courses/_receipt_text.html", lessons=[(item, lesson_html(item)) for item in version.snapshot["lessons"]]))
    today = local_today()

    def shown() -> dict[str, Any]:
        later = [row[_RECEIPT_WIDTH:] for row in rows if row[_RECEIPT_WIDTH] is not None]
        standing = course_standing(later, record.validity_months, record.acknowledged_at, today)
        return dict(record=record, course_title=version.snapshot["title"], standing=standing)

    receipt_html = kept_fragment_of("courses/_receipt.html", (rows, today), shown)
    return layout.page(f'{_("Receipt")} {record.receipt_number}', receipt_html, Markup("\n"), text)
