"""Sign-in, sign-out, password changes, one-time reset links."""

from __future__ import annotations

from flask import Blueprint, abort, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response as BaseResponse

from portal.auth import operations
from portal.auth.access import authorize, public, requires
from portal.auth.forms import ChangePasswordForm, IssueResetLinkForm, LoginForm, ResetPasswordForm
from portal.auth.models import User
from portal.core.types import utcnow
from portal.extensions import db, limiter, login_manager
from portal.web.htmx import client_redirect, is_htmx
from portal.web.i18n import SESSION_KEY as LOCALE_KEY
from portal.web.navigation import is_safe_next

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Sessions store ``<id>:<session token>``; a rotated token signs the old session out."""
    account_id, _sep, token = user_id.partition(":")
    if not account_id.isdigit():
        return None
    user = db.session.get(User, int(account_id))
    if user is None or user.session_token != token:
        return None
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


def _render_login(form: LoginForm, status: int = 200) -> tuple[str, int]:
    return render_template("auth/login.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login() -> BaseResponse | tuple[str, int]:
    """Sign in with username and password; wrong credentials get one message for both cases."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _render_login(form, 422 if form.is_submitted() else 200)
    user = operations.authenticate(form.username.data, form.password.data)
    if user is None:
        current_app.logger.info("sign-in refused for %r from %s", form.username.data[:64], request.remote_addr)
        form.form_errors.append(_("Wrong username or password."))
        return _render_login(form, 422)
    locale = session.get(LOCALE_KEY)
    session.clear()  # a fresh session on sign-in, keeping only the language choice
    if locale:
        session[LOCALE_KEY] = locale
    login_user(user, remember=form.remember.data)
    operations.record_login(user, utcnow())
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("home.index"), 303)


@bp.post("/logout")
@requires("portal.use")
def logout() -> BaseResponse:
    """Sign out (POST only, so a link on another site cannot sign anyone out)."""
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
    """Set a new password through a one-time link issued by HR."""
    record = operations.find_reset_token(token, utcnow())
    if record is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        operations.redeem_reset_token(record, form.new_password.data, utcnow())
        flash(_("Your new password is set. Sign in with it."), "success")
        return redirect(url_for("auth.login"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form, token=token), status


@bp.post("/accounts/<int:user_id>/reset-link")
@requires("account.reset_link")
def issue_reset_link(user_id: int) -> Response | tuple[str, int]:
    """HR creates a one-time reset link and hands it to the employee; it is shown only once."""
    user = db.get_or_404(User, user_id)
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
