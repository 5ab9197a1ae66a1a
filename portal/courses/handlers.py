"""Reactions of the courses domain to other domains' signals."""

from __future__ import annotations

from typing import Any

from portal.courses.operations import assign_on_hire


def assign_onboarding(sender: Any, **details: Any) -> None:
    """A new hire gets the onboarding courses (and the short-tenure ones on a short-term contract)."""
    assign_on_hire(details["employee"], details.get("by_user_id"), details["origin"])


def assign_for_new_contract(sender: Any, **details: Any) -> None:
    """A contract changed to short-term brings the short-tenure course (onboarding is already there)."""
    assign_on_hire(details["employee"], details.get("by_user_id"), details["origin"])
