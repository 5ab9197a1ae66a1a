"""Cross-domain events. Each signal carries one side effect from the domain that owns the change to
the domain that reacts, so neither imports the other's routes."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

employee_hired = _signals.signal("employee-hired")
"""Sent with ``employee`` (just created, flushed) and ``by_user_id``, ``origin``: the courses domain
assigns the onboarding courses in the same transaction."""

acknowledged = _signals.signal("acknowledged")
"""Sent with ``subject_kind`` ("assignment" or "delivery"), ``subject_id``, ``by_user_id`` and ``origin``
when an employee acknowledges a course or notice, before the commit: the workbench resolves the
alert about it in the same transaction instead of waiting for the next risk scan."""


def connect_handlers() -> None:
    """Connect the reacting domains once (idempotent: blinker keeps one connection per receiver)."""
    from portal.courses.handlers import assign_onboarding
    from portal.workbench.handlers import resolve_acknowledged

    employee_hired.connect(assign_onboarding)
    acknowledged.connect(resolve_acknowledged)
