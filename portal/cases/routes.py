"""The employee's side: my case, its timeline, what I receive and owe, and its notices."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _
from markupsafe import Markup

from portal.auth.access import authorize, own_rows, requires
from portal.auth.figures import PageRead, own_employee, read_with_the_account_on
from portal.cases import operations
from portal.cases.freshness import CASE_FIGURES
from portal.cases.models import InjuryCase
from portal.cases.presenters import helpers
from portal.core.kept import kept_under, stripe_stamp
from portal.core.listing import written
from portal.core.records import commit_keeping_loaded, joined_strings
from portal.core.types import local_today
from portal.evidence.web import request_origin
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.notices.operations import MyDelivery, own_scenario_deliveries
from portal.notices.presenters import version_titles
from portal.web.fragments import kept_fragment
from portal.web.i18n import locale_code
from portal.web.kept_html import Html
from portal.web.signed_in import request_user
from portal.web import layout

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
def mine() -> str | Response:
    """My case: the status in one sentence, the timeline, what I receive and owe, the notices."""
    user = request_user()
    employee_id = user.employee_id
    if employee_id is None:
        abort(404)
    locale = locale_code()
    rows = own_rows()
    if not rows:
        return render_template("cases/no_case.html")
    case_id, stamp, logged = rows[0][:3]
    case = MyCase(case_id, employee_id, user.employee.department_id)
    authorize("case.self", case)
    recent = logged.split(operations.VIEWS_SEPARATOR) if logged else []
    if operations.record_view(case, user.id, request_origin, own=True, recent=recent):  # every view
        commit_keeping_loaded()  # (a view already logged this hour writes nothing: no commit to wait for)
    today = local_today()
    delivered = tuple(row[3:] for row in rows if row[3] is not None)  # plain values, as read

    def content() -> Markup:
        figures = kept_under((stamp,), ("my case", employee_id, case_id, today, locale),
                             lambda: _figures(case, today, locale))
        return Html.of(figures + _notices([MyDelivery(*row) for row in delivered], locale))

    # The figures and the notices as delivered, kept together: a view finds both with one lookup.
    return layout.page(_("My case"), kept_under((stamp,), ("my case page", employee_id, case_id, today, locale,
                                                           delivered), content))


def _notices(delivered: list[MyDelivery], locale: str) -> Markup:
    return kept_fragment("cases/_mine_notices.html", notices=delivered, titles=version_titles(delivered, locale))


class MyCase(NamedTuple):
    """The worker's newest case as the kept page needs it: which case, and whose (for the policy
    and the view record); the case itself is loaded only when its figures are computed."""

    id: int
    employee_id: int
    subject_department_id: int

    @property
    def subject_employee_id(self) -> int:
        return self.employee_id


@cache
def _my_case_read() -> PageRead:
    """The signed-in employee's newest case with the case figures stamp of the employee's stripe,
    which the figures are kept under: it covers everything they are computed from, and who recorded
    each step too, as every event naming a recorder is written with a change to the case or its
    actions, and names change by a write to the user or the employee. Recording the view changes none
    of them. The views the worker logged within the hour come along, joined into one string, to
    decide whether this view is logged; and the case's notices as delivered, one row each, in the
    order they were pushed. Read with the account."""
    employee = own_employee()
    views = operations.recent_views(employee, sa.bindparam("account_id")).subquery()
    logged = sa.select(joined_strings(views.c.body, operations.VIEWS_SEPARATOR)).scalar_subquery()
    newest = (sa.select(InjuryCase.id.label("case_id"),
                        stripe_stamp(CASE_FIGURES.name, employee % CASE_FIGURES.stripes).label("stamp"),
                        logged.label("logged"))
              .where(InjuryCase.employee_id == employee)
              .order_by(InjuryCase.accident_date.desc(), InjuryCase.id.desc()).limit(written(1)).subquery("newest"))
    notices = own_scenario_deliveries(CASE_NOTICES).subquery("notices")
    return PageRead(
        sa.select(newest.c.case_id, newest.c.stamp, newest.c.logged, notices.c.id, notices.c.due_date,
                  notices.c.first_opened_at, notices.c.acknowledged_at, notices.c.version_id)
        .select_from(newest.outerjoin(notices, sa.true())),
        order_by=(notices.c.pushed_at, notices.c.id),
        parameters=lambda _view_args: {"since": operations.view_log_since()})


read_with_the_account_on("cases.mine", _my_case_read())


def _figures(mine: MyCase, today: date, locale: str) -> Markup:
    """The computed part of my case: its status, timeline, benefits and account (the worker's cases
    with the rows they read, in one statement)."""
    case = next(case for case in operations.cases_of(mine.employee_id, with_rows=True) if case.id == mine.id)
    return Markup(render_template("cases/_mine_figures.html", view=operations.case_view(case, today),
                                  recorded_by=operations.recorded_by(case), **helpers(locale)))
