"""Sign-in (password or single sign-on), sign-out, password changes, one-time links and activation codes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from authlib.integrations.base_client import OAuthError
from flask import (Blueprint, Response, abort, current_app, flash, make_response, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response as BaseResponse

from portal.auth import audit, operations, sso
from portal.auth.figures import PAGE_FIGURES, PAGE_READS, keep_figures, keep_page_rows
from portal.auth.access import authorize, current_actor, public, requires
from portal.auth.forms import ActivationForm, ChangePasswordForm, IssueResetLinkForm, LoginForm, ResetPasswordForm
from portal.auth.models import User
from portal.org.models import Employee
from portal.auth.policy import may_manage_account
from portal.auth.throttle import login_throttle
from portal.core.records import hashed_once, plain_rows, record_from_columns
from portal.core.types import utcnow
from portal.extensions import db, limiter, login_manager
from portal.web.htmx import client_redirect, is_htmx
from portal.web.i18n import SESSION_KEY as LOCALE_KEY
from portal.web.navigation import is_safe_next

bp = Blueprint("auth", __name__)


_account_statements: dict[tuple[Any, ...], sa.Select] = {}
_USERS = User.__table__
_EMPLOYEES = Employee.__table__
_TOKEN = list(_USERS.columns).index(_USERS.c.session_token)
_ACCOUNT_WIDTH = len(_USERS.columns) + len(_EMPLOYEES.columns)


def _account_statement(figures: dict[str, sa.ScalarSelect], page: str | None) -> sa.Select | sa.CompoundSelect:
    """The account's and its employee's columns (every signed-in page reads them: locale, menu,
    names), ``figures``, and after them the rows of ``page`` (its endpoint) if it registered a read:
    the account's row first, its page columns empty, then one row per page row, its account
    columns empty (so they are converted once, not once per page row), the page's columns last,
    then their position. Built once per shape: SQLAlchemy then reuses its compiled form without
    rebuilding its key, whose hash is worked out once too (``hashed_once``)."""
    key = (tuple(figures), page)
    statement = _account_statements.get(key)
    if statement is None:
        account = (sa.select(*_USERS.columns, *_EMPLOYEES.columns, *figures.values())
                   .select_from(_USERS.outerjoin(_EMPLOYEES, _EMPLOYEES.c.id == _USERS.c.employee_id))
                   .where(_USERS.c.id == sa.bindparam("account_id")))
        if page is not None:
            read = PAGE_READS[page]
            rows = read.statement.add_columns(
                sa.func.row_number().over(order_by=read.order_by or None).label("page_position")).subquery("page")
            page_columns = list(rows.columns)[:-1]
            account = sa.union_all(
                account.add_columns(*_typed_nulls(page_columns),
                                    sa.literal_column("0", sa.Integer).label("page_position")),
                sa.select(*(sa.null() for _column in account.selected_columns), *rows.columns))
            account = account.order_by(account.selected_columns.page_position)
        statement = _account_statements[key] = hashed_once(account)
    return statement


def _typed_nulls(columns: Any) -> list[sa.ColumnElement[Any]]:
    """A NULL for each column, carrying its type to SQLAlchemy (which converts a union's values by
    its first part's columns) but written as a bare ``NULL``: the database types it from the union's
    other part. No ``CAST`` keeps the statement's text short enough for psycopg to keep its parsed
    form (``tests/web/test_page_reads.py``), parsed again on every request otherwise."""
    return [sa.type_coerce(sa.null(), column.type) for column in columns]


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Sessions store ``<id>:<session token>``; a rotated token signs the old session out. The
    account is read as plain columns and made a record without the ORM's loading (a quarter of
    what every signed-in page costs beyond a bare request); on a read, with the page's figures and
    its own rows (``portal.auth.figures``)."""
    account_id, _sep, token = user_id.partition(":")
    if not account_id.isdigit():
        return None
    reading = request.method in ("GET", "HEAD")
    figures = PAGE_FIGURES if reading else {}
    page = request.endpoint if reading and request.endpoint in PAGE_READS else None
    if page is not None and any("\x00" in str(value) for value in (request.view_args or {}).values()):
        page = None  # a NUL character, which no text holds: the request is refused before its view
    parameters = PAGE_READS[page].parameters(request.view_args or {}) if page else {}
    rows = plain_rows(_account_statement(figures, page), {"account_id": int(account_id), **parameters}).all()
    if not rows or rows[0][_TOKEN] != token:
        return None
    first, users = rows[0], len(_USERS.columns)
    employee_columns = first[users:_ACCOUNT_WIDTH]
    employee = record_from_columns(Employee, employee_columns) if employee_columns[0] is not None else None
    user = record_from_columns(User, first[:users], employee=employee)
    keep_figures(user, dict(zip(figures, first[_ACCOUNT_WIDTH:_ACCOUNT_WIDTH + len(figures)])))
    if page is not None:
        start = _ACCOUNT_WIDTH + len(figures)
        keep_page_rows(user, page, [tuple(row[start:-1]) for row in rows[1:]])
    return user


@login_manager.unauthorized_handler
def unauthorized() -> BaseResponse:
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if is_htmx():
        return client_redirect(login_url, status=401)
    flash(_("Please sign in to continue."), "info")
    return redirect(login_url)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _render_login(form: LoginForm, status: int = 200, retry_after: int = 0) -> tuple[str, int] | Response:
    if not retry_after:
        return render_template("auth/login.html", form=form), status
    minutes = max(1, -(-retry_after // 60))
    form.form_errors.append(ngettext(
        "Too many failed sign-ins. Try again in %(num)d minute.",
        "Too many failed sign-ins. Try again in %(num)d minutes.", minutes))
    response = make_response(render_template("auth/login.html", form=form), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> BaseResponse | tuple[str, int]:
    """Sign in with username and password; wrong credentials get one message for both cases.
    Only failures count towards the limits, per account and per address (``throttle.py``)."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _render_login(form, 422 if form.is_submitted() else 200)
    username, address = form.username.data, request.remote_addr or ""
    throttle = login_throttle()
    wait = throttle.retry_after(username, address)
    if wait:
        audit.record(audit.SIGN_IN_THROTTLED, username=username)
        db.session.commit()
        return _render_login(form, retry_after=wait)
    user = operations.authenticate(username, form.password.data)
    if user is None:
        throttle.failed(username, address)
        audit.record(audit.SIGN_IN_FAILED, username=username)
        db.session.commit()
        form.form_errors.append(_("Wrong username or password."))
        return _render_login(form, 422)
    _start_session(user, remember=form.remember.data)
    operations.record_login(user, utcnow())
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("home.index"), 303)


def _start_session(user: User, remember: bool = False) -> None:
    """A fresh session on sign-in, keeping only the language choice."""
    locale = session.get(LOCALE_KEY)
    session.clear()
    if locale:
        session[LOCALE_KEY] = locale
    login_user(user, remember=remember)


@bp.get("/login/sso")
@public
def sso_login() -> BaseResponse:
    """Hand over to the company's identity provider (404 when single sign-on is not set up)."""
    provider = sso.client()
    if provider is None:
        abort(404)
    target = request.args.get("next")
    session["sso_next"] = target if is_safe_next(target) else None
    return provider.authorize_redirect(url_for("auth.sso_callback", _external=True))


@bp.get("/login/sso/callback")
@public
def sso_callback() -> BaseResponse | tuple[str, int]:
    """The provider sends the person back with a code: exchange it (with the PKCE verifier), check
    the ID token, find the employee's account and sign them in."""
    provider = sso.client()
    if provider is None:
        abort(404)
    try:
        token = provider.authorize_access_token()
    except OAuthError:
        return _sso_refused(_("The sign-in with your company account did not complete. Try again."))
    claims = token.get("userinfo") or {}
    user = sso.account_for(claims)
    if user is None:
        audit.record(audit.SIGN_IN_FAILED, username=str(claims.get("email") or claims.get("sub") or "")[:64], sso=True)
        db.session.commit()
        return _sso_refused(_("Your company account is not linked to an active account here. Ask HR."))
    target = session.pop("sso_next", None)
    _start_session(user)
    operations.record_login(user, utcnow(), audit.SSO_SIGNED_IN)
    return redirect(target if is_safe_next(target) else url_for("home.index"), 303)


def _sso_refused(message: str) -> tuple[str, int]:
    form = LoginForm()
    form.form_errors.append(message)
    return render_template("auth/login.html", form=form), 403


@bp.post("/logout")
@requires("portal.use")
def logout() -> BaseResponse:
    """Sign out everywhere (POST only, so a link on another site cannot sign anyone out): the
    account's session token rotates, so no copy of this or any other session or remember-cookie
    works afterwards."""
    operations.sign_out(current_user._get_current_object())
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@requires("portal.use")
def change_password() -> BaseResponse | tuple[str, int]:
    """Change one's own password; every other session of the account ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            user = current_user._get_current_object()
            operations.change_password(user, form.new_password.data)
            login_user(user)  # keep this session under the new token
            flash(_("Your password was changed."), "success")
            return redirect(url_for("home.index"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str) -> BaseResponse | tuple[str, int]:
    """Set a password through a one-time link (a reset issued by HR, or an invitation)."""
    record = operations.find_reset_token(token, utcnow())
    if record is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        if operations.redeem_token(token, form.new_password.data, utcnow()) is None:
            return render_template("auth/reset_invalid.html"), 404
        flash(_("Your new password is set. Sign in with it."), "success")
        return redirect(url_for("auth.login"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form, token=token, username=record.user.username), status


@bp.route("/activate", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def activate() -> BaseResponse | tuple[str, int]:
    """Set the first password with the activation code printed by HR."""
    form = ActivationForm()
    if form.validate_on_submit():
        code = operations.normalise_code(form.code.data)
        if operations.redeem_token(code, form.new_password.data, utcnow()) is not None:
            flash(_("Your password is set. Sign in with your username and it."), "success")
            return redirect(url_for("auth.login"), 303)
        form.code.errors.append(_("This code is wrong, used or expired. Ask HR for a new one."))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/activate.html", form=form), status


@bp.post("/accounts/<int:user_id>/reset-link")
@requires("account.reset_link")
def issue_reset_link(user_id: int) -> Response | tuple[str, int]:
    """HR creates a one-time reset link and hands it to the employee; it is shown only once.
    HR reaches employee and manager accounts only (the policy); the holder is told."""
    user = db.get_or_404(User, user_id)
    if not may_manage_account(current_actor(), user.role) or user.id == current_user.id:
        abort(403)
    if user.employee is not None:
        authorize("account.reset_link", user.employee)
    form = IssueResetLinkForm()
    if not form.validate_on_submit():
        abort(400)
    token = operations.issue_reset_link(user, current_user, utcnow())
    link = url_for("auth.reset_password", token=token, _external=True)
    hours = current_app.config["RESET_LINK_HOURS"]
    template = "auth/_reset_link.html" if is_htmx() else "auth/reset_link.html"
    return render_template(template, account=user, link=link, hours=hours), 200
