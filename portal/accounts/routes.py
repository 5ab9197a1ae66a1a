"""Account management pages for HR and admin, and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.accounts import operations
from portal.accounts.forms import AUDIT_LABELS, ROLE_LABELS, AccountForm, ActionForm, RoleForm
from portal.auth.access import current_actor, requires
from portal.auth.models import User
from portal.auth.policy import Role, may_manage_account
from portal.core.bounds import positive_int
from portal.core.types import utcnow
from portal.extensions import db
from portal.org.models import Employee
from portal.web.htmx import page_or_fragment

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def _manageable(user_id: int, new_role: Role | None = None) -> User:
    """The account, if the signed-in user may manage it (HR: employees and managers; admin: all)."""
    user = db.get_or_404(User, user_id)
    if not may_manage_account(current_actor(), user.role, new_role) or user.id == current_user.id:
        abort(403)
    return user


def _may(user: User) -> bool:
    return user.id != current_user.id and may_manage_account(current_actor(), user.role)


@bp.get("/")
@requires("account.manage")
def index() -> Response:
    """Every account with its role and state; the buttons each row shows follow the policy."""
    query = request.args.get("q", "")[:100]
    rows = operations.accounts(query)
    return page_or_fragment("accounts/index.html", "accounts/_rows.html", "account-rows", accounts=rows, query=query,
                            role_labels=ROLE_LABELS, may=_may, role_form=RoleForm(), action_form=ActionForm(),
                            waiting=operations.count_waiting_for_invitation(utcnow()))


@bp.route("/new", methods=["GET", "POST"])
@requires("account.manage")
def create() -> Response | tuple[str, int]:
    """Create an account (optionally for an employee) and invite its holder."""
    form = AccountForm()
    if form.validate_on_submit():
        role = Role(form.role.data)
        employee = None
        if form.employee_number.data:
            employee = db.session.execute(sa.select(Employee).where(
                Employee.number == form.employee_number.data.strip().upper())).scalar_one_or_none()
            if employee is None:
                form.employee_number.errors.append(_("No employee has this number."))
            elif operations.account_of(employee) is not None:
                form.employee_number.errors.append(_("This employee already has an account."))
        if operations.username_taken(form.username.data):
            form.username.errors.append(_("This username is taken."))
        if not may_manage_account(current_actor(), role):
            form.role.errors.append(_("Only an administrator gives HR or admin accounts."))
        if not (form.username.errors or form.employee_number.errors or form.role.errors):
            user = operations.create_account(form.username.data, role, employee, current_user)
            run = operations.invite([user], current_user, utcnow())
            db.session.commit()
            if run.codes:
                return render_template("accounts/codes.html", codes=run.codes, emailed=run.emailed)
            flash(_("Account %(name)s created; the invitation is on its way by e-mail.", name=user.username), "success")
            return redirect(url_for("accounts.index"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/form.html", form=form), status


@bp.route("/invite", methods=["GET", "POST"])
@requires("account.manage")
def invite() -> Response | tuple[str, int] | str:
    """Invite every account still waiting: e-mail links, and one printable sheet of activation
    codes for those without e-mail (shown once: the portal keeps only their hashes)."""
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        waiting = [u for u in operations.waiting_for_invitation(utcnow(), lock=True) if _may(u)]
        run = operations.invite(waiting, current_user, utcnow())
        db.session.commit()
        return render_template("accounts/codes.html", codes=run.codes, emailed=run.emailed)
    waiting = [u for u in operations.waiting_for_invitation(utcnow()) if _may(u)]
    return render_template("accounts/invite.html", waiting=waiting, form=form)


@bp.post("/<int:user_id>/role")
@requires("account.manage")
def change_role(user_id: int) -> Response:
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    user = _manageable(user_id, Role(form.role.data))
    operations.change_role(user, Role(form.role.data), current_user)
    db.session.commit()
    flash(_("The role of %(name)s is changed.", name=user.username), "success")
    return redirect(url_for("accounts.index"), 303)


@bp.post("/<int:user_id>/state")
@requires("account.manage")
def set_state(user_id: int) -> Response:
    """Deactivate (``enabled=0``: every session ends at once) or reactivate an account."""
    if not ActionForm().validate_on_submit() or request.form.get("enabled") not in ("0", "1"):
        abort(400)
    enabled = request.form["enabled"] == "1"
    user = _manageable(user_id)
    operations.set_enabled(user, enabled, current_user)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=user.username) if enabled
          else _("%(name)s is deactivated and signed out everywhere.", name=user.username), "success")
    return redirect(url_for("accounts.index"), 303)


@bp.get("/audit")
@requires("account.audit")
def audit_log() -> str:
    """Who did what to which account, when, from where and on which device (newest first)."""
    user_id = request.args.get("user", type=positive_int)
    return render_template("accounts/audit.html", entries=operations.audit_entries(user_id=user_id),
                           action_labels=AUDIT_LABELS)
