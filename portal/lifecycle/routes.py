"""HR and managers: the acknowledgements that expire within N days, or have expired."""

from __future__ import annotations

from flask import Blueprint, Response, request

from portal.auth.access import requires, scope_filter
from portal.core.bounds import positive_int
from portal.core.types import local_today
from portal.lifecycle import operations, rules
from portal.org.models import Employee
from portal.web.htmx import page_or_fragment
from portal.web.i18n import locale_code

bp = Blueprint("renewals", __name__, url_prefix="/records/renewals", cli_group="renewals")

MAX_WINDOW_DAYS = 730


@bp.get("/")
@requires("course.records")
def index() -> Response:
    """Courses and notices whose acknowledgement expires within ``days`` (default 90) or has expired."""
    days = request.args.get("days", type=positive_int)
    if days is None or not 0 <= days <= MAX_WINDOW_DAYS:
        days = rules.EXPIRING_WINDOW_DAYS
    today = local_today()
    held = operations.expiring(today, days, scope_filter("course.records", Employee.id, Employee.department_id))
    return page_or_fragment("lifecycle/expiring.html", "lifecycle/_expiring_list.html", "expiring-list",
                            held=held, days=days, today=today, max_days=MAX_WINDOW_DAYS, locale=locale_code(),
                            states=[rules.validity(h.expires_on, today, days) for h in held])
