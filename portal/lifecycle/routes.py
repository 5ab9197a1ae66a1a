"""HR and managers: the acknowledgements that expire within N days, or have expired."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Response, request

from portal.auth.access import requires, scope_filter
from portal.core.bounds import positive_int
from portal.core.listing import decode_cursor, encode_cursor
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
    """Courses and notices whose acknowledgement expires within ``days`` (default 90) or has expired,
    a page at a time (``after``: where the previous page ended)."""
    days = request.args.get("days", type=positive_int)
    if days is None or not 0 <= days <= MAX_WINDOW_DAYS:
        days = rules.EXPIRING_WINDOW_DAYS
    today = local_today()
    after = _page_start(request.args.get("after", ""))
    page = operations.expiring_page(today, days, scope_filter("course.records", Employee.id, Employee.department_id),
                                    after)
    return page_or_fragment("lifecycle/expiring.html", "lifecycle/_expiring_list.html", "expiring-list",
                            expiring=page, days=days, today=today, max_days=MAX_WINDOW_DAYS, locale=locale_code(),
                            states=[rules.validity(row.expires_on, today, days) for row in page.rows],
                            later=after is not None,
                            next_at=encode_cursor("after", list(page.next_key)) if page.next_key else None)


def _page_start(at: str) -> tuple[date, datetime, str, int] | None:
    """The row key a "next page" link carries; anything else starts at the first page."""
    direction, values = decode_cursor(at)
    if direction != "after" or len(values) != 4:
        return None
    expires_on, acknowledged_at, kind, item_id = values
    if (type(expires_on) is date and isinstance(acknowledged_at, datetime) and acknowledged_at.tzinfo is not None
            and kind in ("course", "notice") and type(item_id) is int):
        return expires_on, acknowledged_at, kind, item_id
    return None
