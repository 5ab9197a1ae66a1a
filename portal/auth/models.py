"""Accounts and one-time password reset links."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.figures import page_figures, read_with_the_account
from portal.auth.policy import Actor, Role
from portal.core.types import UTCDateTime, utcnow
from portal.extensions import db
from portal.org.models import Employee, department_managers


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    employee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employees.id"), unique=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    # An invited account has no password until its holder redeems the invitation.
    password_set: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    email_notifications: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Sessions carry this value; changing the password rotates it and signs out every other session.
    session_token: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    employee: Mapped[Employee | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in for inactive accounts
        return self.is_enabled

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def actor(self) -> Actor:
        """This account as the authorization policy sees it (computed once per request)."""
        cached = self.__dict__.get("_actor")
        if cached is None:
            managed: frozenset[int] = frozenset()
            if self.employee_id is not None and self.role is Role.MANAGER:
                read = page_figures(self)
                if _MANAGED in read:  # read with the account
                    managed = frozenset(() if read[_MANAGED] is None else (read[_MANAGED],))
                else:
                    managed = frozenset(db.session.execute(
                        sa.select(department_managers.c.department_id).where(
                            department_managers.c.employee_id == self.employee_id)).scalars())
            cached = Actor(role=self.role, employee_id=self.employee_id, managed_department_ids=managed)
            self.__dict__["_actor"] = cached
        return cached

    @property
    def display_name(self) -> str:
        return self.employee.name if self.employee else self.username


_MANAGED = "managed_department"
# A manager's department (an employee manages at most one: ``department_managers.employee_id`` is
# unique), read with the account on the requests that draw pages: one statement fewer on each.
read_with_the_account(_MANAGED, sa.select(department_managers.c.department_id).where(
    department_managers.c.employee_id == User.employee_id).correlate(User).scalar_subquery())


RESET, INVITATION, ACTIVATION_CODE = "reset", "invitation", "activation-code"


class PasswordResetToken(db.Model):
    """A one-time link (a reset or an invitation) or a printed activation code; only the SHA-256
    of the token is stored. Issuing a new one revokes the user's older unused ones."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    purpose: Mapped[str] = mapped_column(sa.String(20), default=RESET, server_default=RESET)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AuditEntry(db.Model):
    """One account action (sign-in, failed sign-in, creation, role change, reset link, …) with who
    did it, to whom, from which address and device."""

    __tablename__ = "account_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    target_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    username: Mapped[str] = mapped_column(sa.String(64), default="")  # as typed, for failed sign-ins
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    device: Mapped[str] = mapped_column(sa.String(300), default="")
    detail_json: Mapped[str] = mapped_column(sa.Text, default="{}")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_user_id])
    target: Mapped[User | None] = relationship(foreign_keys=[target_user_id])
