"""Reactions of the accounts domain to changes of employees, from any entry point (form, import, API)."""

from __future__ import annotations

from typing import Any

from portal.accounts.operations import account_of, invite, open_account, set_enabled
from portal.auth.models import User
from portal.core.types import utcnow
from portal.extensions import db


def _actor(details: dict[str, Any]) -> User | None:
    by_user_id = details.get("by_user_id")
    return db.session.get(User, by_user_id) if by_user_id is not None else None


def open_account_on_hire(sender: Any, **details: Any) -> None:
    """A new hire gets an account; with an e-mail address the invitation link goes out at once,
    without one HR prints an activation code for them (Accounts → Invite)."""
    employee = details["employee"]
    actor = _actor(details)
    user = open_account(employee, actor)
    if employee.email:
        invite([user], actor, utcnow())


def close_account_on_leaving(sender: Any, **details: Any) -> None:
    """Leaving the company deactivates the account and ends its sessions."""
    user = account_of(details["employee"])
    if user is not None:
        set_enabled(user, False, _actor(details), reason="left")
