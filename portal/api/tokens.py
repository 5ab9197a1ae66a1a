"""Creating, revoking and checking API tokens. Every change is written to the account audit log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from portal.api.models import ApiToken
from portal.auth import audit
from portal.auth.models import User
from portal.core.types import utcnow
from portal.extensions import db

TOKEN_PREFIX = "ipt_"
DEFAULT_RATE_LIMIT = "600 per minute"
LAST_USE_RESOLUTION = timedelta(minutes=1)  # record the last use at most once a minute per token

# Scope -> what it opens; each API route needs one of these and the account's policy on top.
SCOPES: dict[str, str] = {
    "org:read": "departments and employees",
    "org:write": "upsert employees, leavers, departments",
    "wages:write": "wage months",
    "learning:read": "course and notice assignments, acknowledgement status, receipts",
    "cases:read": "injury cases, their timeline and personal-share account",
    "payroll:read": "the payroll feed: pay stops, withholding, deductions",
    "evidence:read": "request, poll and download evidence packs",
    "webhooks:write": "subscribe receivers to events",
}

CREATED, REVOKED, WRITE = "api_token_created", "api_token_revoked", "api_write"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(name: str, account: User, scopes: set[str], created_by: User,
                 rate_limit: str = DEFAULT_RATE_LIMIT) -> tuple[ApiToken, str]:
    """A new token for ``account``; returns it and the secret, which is never stored or shown again."""
    unknown = scopes - SCOPES.keys()
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name.strip()[:100], user_id=account.id, token_hash=_digest(secret), prefix=secret[:12],
                     scopes=" ".join(sorted(scopes)), rate_limit=rate_limit, created_by_id=created_by.id)
    db.session.add(token)
    db.session.flush()
    audit.record(CREATED, actor=created_by, target=account, token=token.id, name=token.name, scopes=token.scopes)
    return token, secret


def revoke_token(token: ApiToken, revoked_by: User) -> bool:
    """Revoke at once; revoking twice changes nothing (returns False)."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    audit.record(REVOKED, actor=revoked_by, target=token.user, token=token.id, name=token.name)
    return True


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token with this secret, on an enabled account, or None; records the last use."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.execute(sa.select(ApiToken).where(ApiToken.token_hash == _digest(secret))).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.is_enabled:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        db.session.commit()
    return token


def all_tokens() -> list[ApiToken]:
    return list(db.session.execute(sa.select(ApiToken).order_by(ApiToken.id.desc())).scalars())
