"""Account management operations; who may manage whom is ``policy.may_manage_account``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.auth import audit
from portal.auth.models import ACTIVATION_CODE, INVITATION, AuditEntry, PasswordResetToken, User
from portal.auth.operations import create_user, end_all_sessions, issue_token
from portal.auth.policy import Role
from portal.extensions import db
from portal.notifications.operations import path_for, queue_email
from portal.org.models import Employee

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def account_of(employee: Employee) -> User | None:
    return db.session.execute(sa.select(User).where(User.employee_id == employee.id)).scalar_one_or_none()


def username_for(employee: Employee) -> str:
    """The employee number in lower case (as printed on the badge); a clash gets a numbered suffix."""
    base = employee.number.lower()
    candidate, n = base, 1
    while db.session.execute(sa.select(User.id).where(User.username == candidate)).first() is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def open_account(employee: Employee, actor: User | None, role: Role = Role.EMPLOYEE) -> User:
    """An account without a password for ``employee`` (the caller's transaction); the holder sets
    the password through an invitation. An employee who already has one keeps it."""
    existing = account_of(employee)
    if existing is not None:
        return existing
    user = create_user(username_for(employee), None, role, employee.id)
    db.session.flush()
    audit.record(audit.CREATED, actor=actor, target=user, role=role.value)
    return user


def create_account(username: str, role: Role, employee: Employee | None, actor: User | None) -> User:
    user = create_user(username, None, role, employee.id if employee else None)
    db.session.flush()
    audit.record(audit.CREATED, actor=actor, target=user, role=role.value)
    return user


def username_taken(username: str) -> bool:
    return db.session.execute(sa.select(User.id).where(User.username == username.strip().lower())).first() is not None


def set_enabled(user: User, enabled: bool, actor: User | None, reason: str = "") -> None:
    """Deactivating ends every session at once; reactivating lets the old password work again."""
    if user.is_enabled == enabled:
        return
    user.is_enabled = enabled
    if not enabled:
        end_all_sessions(user)
    audit.record(audit.REACTIVATED if enabled else audit.DEACTIVATED, actor=actor, target=user, reason=reason)


def change_role(user: User, role: Role, actor: User | None) -> None:
    if user.role is role:
        return
    previous = user.role
    user.role = role
    end_all_sessions(user)  # menus and reach change: sign in again
    audit.record(audit.ROLE_CHANGED, actor=actor, target=user, previous=previous.value, role=role.value)


@dataclass
class InvitationRun:
    emailed: int = 0
    codes: list[tuple[User, str]] = field(default_factory=list)


def invite(users: Iterable[User], actor: User | None, now: datetime) -> InvitationRun:
    """Invite accounts that have no password yet: a one-time link by e-mail to those with an
    address, an activation code for the printed sheet to the others. Each new invitation
    replaces the account's older ones. Codes are returned once and never stored."""
    run = InvitationRun()
    for user in users:
        if user.password_set or not user.is_enabled:
            continue
        address = user.employee.email if user.employee is not None else None
        if address:
            token = issue_token(user, actor, now, INVITATION)
            link = current_app.config["BASE_URL"].rstrip("/") + path_for("auth.reset_password", token=token)
            locale = user.employee.preferred_locale or "zh_CN"
            with force_locale(locale):
                subject = _("Your account on the injury portal")
                body = _("Your username is %(username)s. Set your password with this one-time link (valid %(days)d days):",
                         username=user.username, days=current_app.config["INVITATION_HOURS"] // 24)
            queue_email(address, subject, f"{body}\n\n{link}\n")
            run.emailed += 1
        else:
            run.codes.append((user, issue_token(user, actor, now, ACTIVATION_CODE)))
    return run


def _waiting(now: datetime) -> sa.Select:
    """Enabled accounts without a password and without a usable invitation or code."""
    live = (sa.select(PasswordResetToken.user_id)
            .where(PasswordResetToken.used_at.is_(None), PasswordResetToken.revoked_at.is_(None),
                   PasswordResetToken.expires_at > now,
                   PasswordResetToken.purpose.in_([INVITATION, ACTIVATION_CODE])))
    return sa.select(User).where(User.password_set.is_(False), User.is_enabled.is_(True), User.id.not_in(live))


def waiting_for_invitation(now: datetime, lock: bool = False) -> list[User]:
    """With ``lock`` the accounts are locked until commit and accounts another HR officer is inviting
    at this moment are skipped (PostgreSQL), so two clicks never print two sheets for one person."""
    stmt = _waiting(now).options(sa.orm.joinedload(User.employee)).order_by(User.username)
    if lock:
        stmt = stmt.with_for_update(skip_locked=True, of=User)
    return list(db.session.execute(stmt).unique().scalars())


def count_waiting_for_invitation(now: datetime) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(_waiting(now).subquery())).scalar_one()


def accounts(query: str = "", limit: int = 200) -> list[User]:
    stmt = sa.select(User).outerjoin(Employee, User.employee_id == Employee.id).options(sa.orm.contains_eager(User.employee))
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(sa.or_(User.username.ilike(like), Employee.name.ilike(like), Employee.number.ilike(like)))
    return list(db.session.execute(stmt.order_by(User.username).limit(limit)).scalars())


def audit_entries(limit: int = 300, user_id: int | None = None) -> list[AuditEntry]:
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if user_id is not None:
        stmt = stmt.where(sa.or_(AuditEntry.target_user_id == user_id, AuditEntry.actor_user_id == user_id))
    return list(db.session.execute(stmt).scalars())
