"""The employee's side: my case, its timeline, what I receive and owe, and its notices."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask_login import current_user

from portal.auth.access import authorize, requires
from portal.cases import operations
from portal.cases.presenters import helpers
from portal.core.records import commit_keeping_loaded
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.web.i18n import locale_code

bp = Blueprint("cases", __name__, url_prefix="/my-case")

CASE_NOTICES = ("injury-process-guide", "disability-benefit-explanation", "original-pay-stop")


@cache
def _case_notices_statement() -> sa.Select:
    return (sa.select(NoticeDelivery).options(sa.orm.joinedload(NoticeDelivery.version))
            .where(NoticeDelivery.employee_id == sa.bindparam("employee_id"), NoticeDelivery.scenario.in_(CASE_NOTICES))
            .order_by(NoticeDelivery.pushed_at, NoticeDelivery.id))


def case_notices(employee_id: int) -> list[NoticeDelivery]:
    """The scenario notices an injury case pushes, as delivered to this employee."""
    return list(db.session.execute(_case_notices_statement(), {"employee_id": employee_id}).scalars())


@bp.get("/")
@requires("case.self")
def mine() -> str:
    """My case: the status in one sentence, the timeline, what I receive and owe, the notices."""
    if current_user.employee_id is None:
        abort(404)
    cases = operations.cases_of(current_user.employee_id, with_rows=True)
    if not cases:
        return render_template("cases/mine.html", view=None, **helpers(locale_code()))
    case = cases[0]
    authorize("case.self", case)
    operations.record_view(case, current_user.id, request_origin(), own=True)
    commit_keeping_loaded()
    return render_template("cases/mine.html", view=operations.case_view(case), notices=case_notices(case.employee_id),
                           recorded_by=operations.recorded_by(case),
                           earlier=cases[1:], **helpers(locale_code()))
