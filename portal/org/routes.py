"""Employee list, profile and the HR employee form."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from portal.auth.access import authorize, current_actor, requires
from portal.auth.policy import can
from portal.auth.forms import IssueResetLinkForm
from portal.auth.models import User
from portal.core.paging import sort_of
from portal.core.types import local_today
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.org import operations
from portal.org.forms import EmployeeForm, check_employee_form
from portal.org.labels import CONTRACT_LABELS, LOCALE_LABELS, STATUS_LABELS
from portal.org.models import Employee
from portal.org.rules import ContractType, EmploymentStatus, normalise_employee_number
from portal.web.htmx import page_or_fragment
from portal.web.i18n import locale_code
from portal.web.fragments import kept_fragment
from portal.web.templating import as_text
from portal.core.bounds import positive_int

bp = Blueprint("org", __name__)

def _labels() -> dict[str, object]:
    return {
        "contract_labels": CONTRACT_LABELS,
        "status_labels": STATUS_LABELS,
        "locale_labels": LOCALE_LABELS,
        "locale": locale_code(),
    }


def _filter_from_request() -> operations.EmployeeFilter:
    args = request.args
    status_arg = args.get("status", EmploymentStatus.ACTIVE.value)
    status = EmploymentStatus(status_arg) if status_arg in {s.value for s in EmploymentStatus} else None
    department = args.get("department", type=positive_int)
    return operations.EmployeeFilter(
        query=args.get("q", "")[:100],
        department_id=department,
        status=status,
        page=args.get("page", 1, type=positive_int) or 1,
        at=args.get("at", "")[:500],
        sort=sort_of(args.get("sort"), operations.EMPLOYEE_SORTS, "number"),
    )


@bp.get("/employees")
@requires("employee.list")
def employees() -> Response:
    """Employees the user may see; the search box swaps only the rows (``#employee-rows``)."""
    criteria = _filter_from_request()
    locale = locale_code()
    stamps = operations.search_stamps() if criteria.query.strip() else None  # the search's, and the filter's
    return page_or_fragment(
        "org/employees.html",
        "org/_employee_rows.html",
        "employee-rows",
        page_only=lambda: {"filters_html": kept_fragment(
            "org/_employee_filters.html", criteria=criteria, departments=operations.department_choices(locale, stamp=stamps and stamps.departments),
            status_labels=as_text(STATUS_LABELS))},
        listing={"criteria": criteria, "result": operations.visible_employees(criteria, locale, stamps),
                 "contract_labels": as_text(CONTRACT_LABELS)},
        page_title=_("Employees"), can_add=can(current_actor(), "employee.edit"),
    )


@bp.get("/employees/<int:employee_id>")
@requires("employee.view")
def employee(employee_id: int) -> str:
    """One employee's record, for the employee, their manager and HR."""
    person = db.get_or_404(Employee, employee_id)
    authorize("employee.view", person)
    account = db.session.query(User).filter_by(employee_id=person.id).one_or_none()
    return render_template(
        "org/employee.html", person=person, account=account, reset_form=IssueResetLinkForm(), **_labels()
    )


@bp.get("/me")
@requires("employee.view")
def me() -> Response:
    """The signed-in user's own record."""
    if current_user.employee_id is None:
        abort(404)
    return redirect(url_for("org.employee", employee_id=current_user.employee_id))


@bp.route("/employees/new", methods=["GET", "POST"])
@requires("employee.edit")
def create_employee() -> Response | tuple[str, int]:
    """HR adds an employee."""
    return _employee_form(None)


@bp.route("/employees/<int:employee_id>/edit", methods=["GET", "POST"])
@requires("employee.edit")
def update_employee(employee_id: int) -> Response | tuple[str, int]:
    """HR corrects an employee's record."""
    person = db.get_or_404(Employee, employee_id)
    authorize("employee.edit", person)
    return _employee_form(person)


def _employee_form(person: Employee | None) -> Response | tuple[str, int]:
    form = EmployeeForm(obj=person)
    if request.method == "GET" and person is not None:
        form.contract_type.data = person.contract_type.value
        form.status.data = person.status.value
    locale = locale_code()
    form.department_id.choices = [SelectChoice(0, _("Choose…"))] + [
        SelectChoice(d.id, d.name(locale)) for d in operations.all_departments()
    ]
    if form.is_submitted() and check_employee_form(form, person, local_today()):
        data = operations.EmployeeData(
            number=normalise_employee_number(form.number.data),
            name=form.name.data.strip(),
            hire_date=form.hire_date.data,
            department_id=form.department_id.data,
            contract_type=ContractType(form.contract_type.data),
            email=(form.email.data or "").strip() or None,
            phone=(form.phone.data or "").strip() or None,
            preferred_locale=form.preferred_locale.data,
            status=EmploymentStatus(form.status.data),
            left_date=form.left_date.data,
        )
        saved = operations.save_employee(data, person, current_user.id, request_origin())
        flash(_("Saved %(name)s.", name=saved.name), "success")
        return redirect(url_for("org.employee", employee_id=saved.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("org/employee_form.html", form=form, person=person), status
