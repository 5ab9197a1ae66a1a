"""Which ledger events become which webhook event kinds, and what a receiver is told about them.

Pure Python: the mapping reads the event's type and payload only.
"""

from __future__ import annotations

from typing import Any



def webhook_kind(event_type: str, payload: dict[str, Any]) -> str | None:
    """The webhook kind of a ledger event, or None when subscribers are not told about it."""
    if event_type == "course_assigned":
        return "course.assigned"
    if event_type in ("course_acknowledged", "notice_acknowledged"):
        return "acknowledged"
    if event_type == "notice_responded" and payload.get("kind") == "objection":
        return "objection.raised"
    if event_type == "case_opened":
        return "case.opened"
    if event_type == "case_action_created" and payload.get("kind") == "stop_original_pay":
        return "pay_stop.due"
    return None


# Payload keys passed on per kind: enough to act on and look the rest up through the API; free texts
# (questions, objections) stay in the portal.
PASSED_ON = {
    "course.assigned": ("due_date", "cycle", "reason"),
    "acknowledged": ("receipt",),
    "objection.raised": ("delivery",),
    "case.opened": ("case",),
    "pay_stop.due": ("case", "effective_date", "grade"),
}


def webhook_data(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {key: payload[key] for key in PASSED_ON.get(kind, ()) if key in payload}
