"""Account operations: sign-in checks, sign-out, password changes, one-time links and codes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from portal.auth import audit
from portal.auth.models import ACTIVATION_CODE, RESET, PasswordResetToken, User
from portal.auth.policy import Role
from portal.extensions import db
from portal.signals import reset_link_issued

# Checked when the username is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")
# An invited account's password hash: no password ever matches it (werkzeug refuses the format).
NO_PASSWORD = "!"
# Activation codes are typed from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def new_session_token() -> str:
    return secrets.token_hex(16)


def create_user(username: str, password: str | None, role: Role, employee_id: int | None = None) -> User:
    """Add an account to the session (the caller commits); without a password it waits for its
    holder to set one through an invitation link or activation code."""
    user = User(
        username=username.strip().lower(),
        password_hash=hash_password(password) if password else NO_PASSWORD,
        password_set=password is not None,
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
    if not check_password_hash(user.password_hash, password) or not user.is_enabled or not user.password_set:
        return None
    return user


def record_login(user: User, now: datetime, method: str = audit.SIGNED_IN) -> None:
    user.last_login_at = now
    audit.record(method, actor=user, target=user)
    db.session.commit()


def end_all_sessions(user: User) -> None:
    """Rotate the token that every session and remember-cookie of ``user`` carries."""
    user.session_token = new_session_token()


def sign_out(user: User) -> None:
    """End every session and remember-cookie of this account, not only this browser's."""
    end_all_sessions(user)
    audit.record(audit.SIGNED_OUT, actor=user, target=user)
    db.session.commit()


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every session of this account (the caller signs this one in again)."""
    user.password_hash = hash_password(new_password)
    user.password_set = True
    end_all_sessions(user)
    audit.record(audit.PASSWORD_CHANGED, actor=user, target=user)
    db.session.commit()


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, issued_by: User | None, now: datetime, purpose: str = RESET) -> str:
    """Create a one-time link token (or a printed activation code) for ``user`` in the caller's
    transaction; every older unused one of the user stops working. Returns the raw token, which
    is never stored."""
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None),
               PasswordResetToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    if purpose == ACTIVATION_CODE:
        token = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        hours = current_app.config["ACTIVATION_CODE_DAYS"] * 24
    else:
        token = secrets.token_urlsafe(32)
        hours = current_app.config["RESET_LINK_HOURS" if purpose == RESET else "INVITATION_HOURS"]
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=_token_digest(token), purpose=purpose,
                                      issued_by_id=issued_by.id if issued_by else None, created_at=now,
                                      expires_at=now + timedelta(hours=hours)))
    audit.record(audit.RESET_ISSUED if purpose == RESET else audit.INVITED, actor=issued_by, target=user,
                 purpose=purpose)
    db.session.flush()
    if purpose == RESET:
        reset_link_issued.send(None, user=user, issued_by=issued_by)
    return token


def issue_reset_link(user: User, issued_by: User, now: datetime) -> str:
    token = issue_token(user, issued_by, now, RESET)
    db.session.commit()
    return token


def find_reset_token(token: str, now: datetime) -> PasswordResetToken | None:
    """The unused, unrevoked, unexpired token matching ``token``, or ``None``."""
    record = db.session.execute(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_digest(token))
    ).scalar_one_or_none()
    if record is None or record.used_at is not None or record.revoked_at is not None or record.expires_at <= now:
        return None
    return record


def redeem_token(token: str, new_password: str, now: datetime) -> User | None:
    """Use a link or code once: a conditional UPDATE claims it, so of two concurrent redemptions
    exactly one wins; the winner sets the password and ends every older session."""
    claimed = db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.token_hash == _token_digest(token), PasswordResetToken.used_at.is_(None),
               PasswordResetToken.revoked_at.is_(None), PasswordResetToken.expires_at > now)
        .values(used_at=now)
        .returning(PasswordResetToken.user_id, PasswordResetToken.purpose)
    ).one_or_none()
    if claimed is None:
        db.session.rollback()
        return None
    user = db.session.get(User, claimed.user_id)
    first = not user.password_set
    user.password_hash = hash_password(new_password)
    user.password_set = True
    end_all_sessions(user)
    audit.record(audit.ACTIVATED if first else audit.RESET_REDEEMED, actor=user, target=user, purpose=claimed.purpose)
    db.session.commit()
    return user

