"""Home page per role, and the language switcher that works with or without an account."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.auth.access import public, requires
from portal.extensions import db
from portal.auth.policy import Role
from portal.cases.presenters import item_label, status_text
from portal.core.types import local_today
from portal.home.summary import ROLE_LABELS, home_summary
from portal.home.todo import todo_for, worker_todo
from portal.web.forms import LocaleForm
from portal.web.i18n import SESSION_KEY, locale_code
from portal.web.navigation import is_safe_next
from portal.web.templating import menu

bp = Blueprint("home", __name__)


@bp.get("/")
@requires("portal.use")
def index() -> str:
    """What the signed-in user should do next, by role (``todo.py``); a manager or HR officer who is
    also an employee sees their own courses and notices too."""
    user = current_user._get_current_object()
    own = worker_todo(user.employee, local_today(), locale_code()) \
        if user.employee is not None and user.role is not Role.EMPLOYEE else None
    return render_template(
        "home/index.html",
        summary=home_summary(current_user.employee),
        role_label=ROLE_LABELS[current_user.role],
        todo=todo_for(user, local_today(), locale_code()),
        own=own,
        case_status=status_text,
        case_item=item_label,
        navigation=menu(user.actor, locale_code()),
    )


@bp.post("/locale")
@public
def set_locale() -> Response:
    """Switch the interface language; signed-in employees keep it as their preference."""
    form = LocaleForm()
    if not form.validate_on_submit() or form.locale.data not in current_app.config["LANGUAGES"]:
        abort(400)
    session[SESSION_KEY] = form.locale.data
    if current_user.is_authenticated and current_user.employee is not None:
        current_user.employee.preferred_locale = form.locale.data
        db.session.commit()
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("home.index"), 303)
