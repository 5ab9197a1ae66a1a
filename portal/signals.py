"""Cross-domain events. Each signal carries one side effect from the domain that owns the change to
the domain that reacts, so neither imports the other's routes."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

employee_hired = _signals.signal("employee-hired")
"""Sent with ``employee`` (just created, flushed) and ``by_user_id``, ``origin``: the courses domain
assigns the onboarding courses in the same transaction."""

evidence_pack_ready = _signals.signal("evidence-pack-ready")
"""Sent with ``user_id`` (who asked), ``employee_name`` and ``link`` when a pack can be downloaded:
the workbench puts it in the user's notifications."""


def connect_handlers() -> None:
    """Connect the reacting domains once (idempotent: blinker keeps one connection per receiver)."""
    from portal.courses.handlers import assign_onboarding
    from portal.workbench.handlers import notify_pack_ready

    employee_hired.connect(assign_onboarding)
    evidence_pack_ready.connect(notify_pack_ready)
