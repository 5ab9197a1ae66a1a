"""The "as of" page: an employee's record on a past date, replayed from the ledger (HR for anyone,
every employee for themselves), and recording that reconstruction in the ledger."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.auth.access import authorize, requires
from portal.cases.models import InjuryCase
from portal.cases.operations import record_view
from portal.cases.presenters import helpers
from portal.core.types import local_today
from portal.courses.presenters import status_labels
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.history import operations
from portal.notices.presenters import KIND_LABELS, STATUS_LABELS
from portal.org.models import Employee
from portal.web.i18n import locale_code

bp = Blueprint("history", __name__, url_prefix="/history")


def _day() -> tuple[date, str | None]:
    """The ``on`` date from the query string: today when absent, an error message when unusable."""
    raw = request.args.get("on", "").strip()
    today = local_today()
    if not raw:
        return today, None
    try:
        on = date.fromisoformat(raw)
    except ValueError:
        return today, _("Enter the date as YYYY-MM-DD.")
    if on > today:
        return today, _("The date is in the future: a reconstruction shows only the past.")
    return on, None


def _employee(employee_id: int) -> Employee:
    employee = db.get_or_404(Employee, employee_id)
    authorize("history.view", employee)
    return employee


@bp.get("/<int:employee_id>")
@requires("history.view")
def as_of(employee_id: int) -> tuple[str, int]:
    """What the ledger shows of the employee at the end of a day, and their case page then."""
    employee = _employee(employee_id)
    on, error = _day()
    result = operations.as_of(employee, on)
    if result.case_view is not None:  # injury details are sensitive: every view is logged (PIPL Arts. 28–29)
        record_view(db.session.get(InjuryCase, result.case_view.case.id), current_user.id, request_origin,
                    own=employee.id == current_user.employee_id)
        db.session.commit()
    locale = locale_code()
    return render_template("history/as_of.html", result=result, error=error, raw=request.args.get("on", ""),
                           recorded_by=result.recorded_by,
                           course_status_labels=status_labels(), notice_status_labels=STATUS_LABELS,
                           response_labels=KIND_LABELS, **helpers(locale)), 422 if error else 200


@bp.post("/<int:employee_id>/record")
@requires("history.view")
def record(employee_id: int) -> Response:
    """Record this reconstruction in the employee's chain, so their evidence pack carries it."""
    employee = _employee(employee_id)
    on, error = _day()
    if error:
        flash(error, "error")
        return redirect(url_for("history.as_of", employee_id=employee.id), 303)
    digest = operations.record_reconstruction(operations.as_of(employee, on), current_user.id, request_origin())
    flash(_("The reconstruction is recorded in the ledger (SHA-256 %(sha)s); every evidence pack of this employee "
            "now carries it.", sha=digest), "success")
    return redirect(url_for("history.as_of", employee_id=employee.id, on=on.isoformat()), 303)
