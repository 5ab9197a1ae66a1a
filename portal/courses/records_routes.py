"""HR and managers: course completion, the employee × status matrix, drill-down, CSV, assigning."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.access import authorize, current_actor, requires
from portal.auth.policy import can
from portal.core import tabular
from portal.core.bounds import positive_int
from portal.core.replica import reads_from_replica
from portal.courses import operations
from portal.courses.forms import AssignForm
from portal.courses.models import Course
from portal.courses.presenters import status_labels
from portal.courses.records import (MATRIX_SORTS, MatrixFilter, acknowledgements_of, course_for_matrix, course_summaries,
                                    matrix, trail)
from portal.core.paging import sort_of
from portal.courses.rules import Status
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.lifecycle.operations import acknowledgement_validity
from portal.lifecycle.rules import Validity
from portal.org.labels import CONTRACT_LABELS
from portal.org.models import Employee
from portal.org.operations import all_departments, department_choices
from portal.org.rules import ContractType, EmploymentStatus, normalise_employee_number
from portal.web.files import send_download
from portal.web.htmx import page_or_fragment
from portal.web.i18n import locale_code
from portal.web.fragments import kept_form, kept_fragment
from portal.web.templating import as_text

bp = Blueprint("course_records", __name__, url_prefix="/records/courses")
bp.add_app_template_global(acknowledgement_validity)  # the matrix's validity column, from its arguments


def _course(slug: str) -> Course:
    return operations.course_by_slug(slug) or abort(404)


def _filter() -> MatrixFilter:
    args = request.args
    status = args.get("status", "")
    contract = args.get("contract", "")
    return MatrixFilter(
        query=args.get("q", "")[:100],
        department_id=args.get("department", type=positive_int),
        status=Status(status) if status in {s.value for s in Status} else None,
        contract_type=ContractType(contract) if contract in {c.value for c in ContractType} else None,
        page=args.get("page", 1, type=positive_int), sort=sort_of(args.get("sort"), MATRIX_SORTS, "number"),
        at=args.get("at", "")[:500],
    )


@bp.get("/")
@requires("course.records")
@reads_from_replica
def index() -> str:
    """Every course with its completion among the people the user may see."""
    return render_template("courses/records/index.html", summaries=course_summaries(operations.today_in_shanghai()),
                           locale=locale_code())


@bp.get("/<slug>")
@requires("course.records")
@reads_from_replica
def detail(slug: str) -> Response:
    """Employees × status with filters; the search form swaps only ``#course-matrix``."""
    criteria = _filter()
    today = operations.today_in_shanghai()
    found = course_for_matrix(slug, criteria, today)
    if found is None:
        abort(404)
    course, departments_stamp, counted, members = found  # read in one statement
    locale = locale_code()
    labels = status_labels()
    return page_or_fragment(
        "courses/records/detail.html", "courses/records/_matrix.html", "course-matrix",
        page_only=lambda: _page_only(course.slug, criteria, locale, labels, departments_stamp),
        listing={"slug": course.slug, "validity_months": course.validity_months, "today": today,
                 "criteria": criteria,
                 "result": matrix(course, criteria, today, counted=counted, departments_stamp=departments_stamp,
                                  members=members),
                 # every department's name: a manager's own row may lie outside their departments
                 "departments": department_choices(locale, visible_only=False, stamp=departments_stamp),
                 "status_labels": as_text(labels), "validity_states": tuple(Validity)},
        page_title=course.title(locale), can_assign=can(current_actor(), "course.assign"),
    )


def _page_only(slug: str, criteria: MatrixFilter, locale: str, labels: dict[Status, Any],
               departments_stamp: str | None) -> dict[str, Any]:
    """The filter form and the assign form (kept by what they show), which only the whole page shows."""
    departments = department_choices(locale, stamp=departments_stamp)
    filters = kept_fragment("courses/records/_matrix_filters.html", slug=slug, criteria=criteria,
                            departments=departments, status_labels=as_text(labels),
                            contract_labels=as_text(CONTRACT_LABELS))
    assign = kept_form("courses/records/_assign_form.html", (slug, departments), AssignForm, slug=slug,
                       departments=departments)
    return {"filters_html": filters, "assign_html": assign}


@bp.get("/<slug>/export.csv")
@requires("course.records")
@reads_from_replica
def export(slug: str) -> Response:
    """The filtered matrix as CSV (UTF-8 with BOM so spreadsheet programs read Chinese correctly)."""
    course = _course(slug)
    result = matrix(course, _filter(), operations.today_in_shanghai(), paged=False)
    labels = status_labels()
    header = [_("Number"), _("Name"), _("Department"), _("Contract type"), _("Status"), _("Assigned"), _("Due"),
              _("First opened"), _("Quiz passed"), _("Acknowledged"), _("Version"), _("Content SHA-256"),
              _("Receipt number")]
    locale = locale_code()
    departments = {department.id: department.name(locale) for department in all_departments()}
    rows = ([number, name, departments[department_id], str(CONTRACT_LABELS[contract]), str(labels[Status(state)]),
             assigned, due, opened, passed, acknowledged, f"{version_locale} v{version}" if version else "",
             sha256 or "", receipt or ""]
            for (number, name, department_id, contract, assigned, due, opened, passed, acknowledged, version_locale,
                 version, sha256, receipt, state) in result.rows)
    return send_download(tabular.csv_file(header, rows), f"{course.slug}-records.csv", tabular.CSV_MIMETYPE)


@bp.get("/<slug>/employees/<int:employee_id>")
@requires("course.records")
def employee(slug: str, employee_id: int) -> str:
    """One employee's full record for this course: every event with time, address, device and hash."""
    course = _course(slug)
    person = db.get_or_404(Employee, employee_id)
    authorize("course.records", person)
    events = trail(course, person)
    return render_template("courses/records/employee.html", course=course, person=person, events=events,
                           acknowledgements=acknowledgements_of(course, person), locale=locale_code())


NUMBER_SPLIT = re.compile(r"[\s,，;；]+")


@bp.post("/<slug>/assign")
@requires("course.assign")
def assign(slug: str) -> Response | tuple[str, int]:
    """HR assigns the course to employee numbers and/or a whole department, all or nothing."""
    course = _course(slug)
    form = AssignForm()
    if not form.validate_on_submit():
        abort(400)
    numbers = [normalise_employee_number(n) for n in NUMBER_SPLIT.split(form.employee_numbers.data or "") if n]
    department_id = request.form.get("department", type=positive_int)
    people = list(db.session.execute(sa.select(Employee).where(Employee.number.in_(numbers))).scalars()) if numbers else []
    unknown = sorted(set(numbers) - {p.number for p in people})
    if department_id:
        if department_id not in {d.id for d in all_departments()}:
            abort(400)
        people += db.session.execute(sa.select(Employee).where(
            Employee.department_id == department_id, Employee.status == EmploymentStatus.ACTIVE)).scalars().all()
    if unknown or not people:
        message = (_("Unknown employee numbers: %(numbers)s. Nothing was assigned.", numbers=", ".join(unknown[:20]))
                   if unknown else _("Enter employee numbers or choose a department."))
        flash(message, "warning")
        return redirect(url_for("course_records.detail", slug=slug), 303)
    created, skipped = operations.assign_manually(course, {p.id: p for p in people}.values(), current_user.id,
                                                  request_origin())
    flash(_("Assigned to %(created)d people; %(skipped)d already had it.", created=created, skipped=skipped), "success")
    return redirect(url_for("course_records.detail", slug=slug), 303)
