"""Account operations: sign-in checks, password changes and one-time reset links."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from portal.auth.models import PasswordResetToken, User
from portal.auth.policy import Role
from portal.extensions import db

# Checked when the username is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def new_session_token() -> str:
    return secrets.token_hex(16)


def create_user(username: str, password: str, role: Role, employee_id: int | None = None) -> User:
    """Add an account to the session (the caller commits)."""
    user = User(
        username=username.strip().lower(),
        password_hash=hash_password(password),
        role=role,
        employee_id=employee_id,
        session_token=new_session_token(),
    )
    db.session.add(user)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The enabled account with this username and password, or ``None``."""
    user = db.session.execute(sa.select(User).where(User.username == username.strip().lower())).scalar_one_or_none()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_enabled:
        return None
    return user


def record_login(user: User, now: datetime) -> None:
    user.last_login_at = now
    db.session.commit()


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every other session of this account."""
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()
    db.session.commit()


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset_link(user: User, issued_by: User, now: datetime) -> str:
    """Create a one-time reset token for ``user``; returns the raw token, which is never stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=_token_digest(token),
            issued_by_id=issued_by.id,
            created_at=now,
            expires_at=now + timedelta(hours=current_app.config["RESET_LINK_HOURS"]),
        )
    )
    db.session.commit()
    return token


def find_reset_token(token: str, now: datetime) -> PasswordResetToken | None:
    """The unused, unexpired reset token matching ``token``, or ``None``."""
    record = db.session.execute(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_digest(token))
    ).scalar_one_or_none()
    if record is None or record.used_at is not None or record.expires_at <= now:
        return None
    return record


def redeem_reset_token(record: PasswordResetToken, new_password: str, now: datetime) -> User:
    """Use the token once: set the password, mark the token used, end old sessions."""
    record.used_at = now
    user = record.user
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()
    db.session.commit()
    return user
