"""The account audit log: who did what to which account, when, from which address and device."""

from __future__ import annotations

import json
from typing import Any

from flask import has_request_context, request

from portal.auth.models import AuditEntry, User
from portal.core.types import utcnow
from portal.extensions import db

SIGNED_IN, SIGN_IN_FAILED, SIGN_IN_THROTTLED, SIGNED_OUT = "signed_in", "sign_in_failed", "sign_in_throttled", "signed_out"
CREATED, INVITED, ACTIVATED, ROLE_CHANGED = "created", "invited", "activated", "role_changed"
DEACTIVATED, REACTIVATED, PASSWORD_CHANGED = "deactivated", "reactivated", "password_changed"
RESET_ISSUED, RESET_REDEEMED, SSO_SIGNED_IN = "reset_issued", "reset_redeemed", "sso_signed_in"



def record(action: str, *, actor: User | None = None, target: User | None = None, username: str = "",
           **detail: Any) -> AuditEntry:
    """Add one entry to the caller's transaction; address and device come from the request, if any."""
    address = device = ""
    if has_request_context():
        address = (request.remote_addr or "")[:64]
        device = (request.user_agent.string or "")[:300]
    entry = AuditEntry(at=utcnow(), action=action, actor_user_id=actor.id if actor else None,
                       target_user_id=target.id if target else None,
                       username=(username or (target.username if target else ""))[:64], address=address,
                       device=device, detail_json=json.dumps(detail, ensure_ascii=False, sort_keys=True))
    db.session.add(entry)
    return entry
