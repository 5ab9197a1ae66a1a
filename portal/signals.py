"""Cross-domain events. Each signal carries one side effect from the domain that owns the change to
the domain that reacts, so neither imports the other's routes."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

employee_hired = _signals.signal("employee-hired")
"""Sent with ``employee`` (just created, flushed) and ``by_user_id``, ``origin``: the courses domain
assigns the onboarding courses and the accounts domain opens an account, in the same transaction."""

contract_changed = _signals.signal("contract-changed")
"""Sent with ``employee`` (its new contract type flushed), ``previous``, ``by_user_id``, ``origin``: the
courses domain assigns what the new contract needs (the short-tenure course)."""

employee_left = _signals.signal("employee-left")
"""Sent with ``employee`` (status just set to left) and ``by_user_id``: the account is deactivated."""

reset_link_issued = _signals.signal("reset-link-issued")
"""Sent with ``user`` and ``issued_by``: the user is told that a link was created for them."""

evidence_recorded = _signals.signal("evidence-recorded")
"""Sent with ``event`` (an appended, flushed ledger event): the notifications domain tells the people
the event concerns (a pushed course or notice, a question, an answer, a case change, a decision)."""

acknowledged = _signals.signal("acknowledged")
"""Sent with ``subject_kind`` ("assignment" or "delivery"), ``subject_id``, ``by_user_id`` and ``origin``
when an employee acknowledges a course or notice, before the commit: the workbench resolves the
alert about it in the same transaction instead of waiting for the next risk scan."""

evidence_pack_ready = _signals.signal("evidence-pack-ready")
"""Sent with the ``pack_request`` when a pack can be downloaded: the requester is notified and
webhook subscribers hear ``pack.ready``."""


def connect_handlers() -> None:
    """Connect the reacting domains once (idempotent: blinker keeps one connection per receiver)."""
    from portal.accounts.handlers import close_account_on_leaving, open_account_on_hire
    from portal.courses import handlers as courses
    from portal.courses.handlers import assign_for_new_contract, assign_onboarding
    from portal.notices import handlers as notices
    from portal.notifications.handlers import notify_about_evidence, notify_pack_ready, tell_about_reset_link
    from portal.webhooks.handlers import announce_pack_ready, deliveries_for_event
    from portal.workbench import handlers as workbench

    employee_hired.connect(open_account_on_hire)
    employee_hired.connect(assign_onboarding)
    contract_changed.connect(assign_for_new_contract)
    employee_left.connect(close_account_on_leaving)
    reset_link_issued.connect(tell_about_reset_link)
    evidence_recorded.connect(notify_about_evidence)
    # A paper receipt completes the course or notice and resolves its overdue alert (receivers run in
    # no particular order, so each checks the receipt itself).
    evidence_recorded.connect(courses.complete_on_paper)
    evidence_recorded.connect(notices.complete_on_paper)
    evidence_recorded.connect(workbench.resolve_on_paper)
    acknowledged.connect(workbench.resolve_acknowledged)
    evidence_recorded.connect(deliveries_for_event)
    evidence_pack_ready.connect(notify_pack_ready)
    evidence_pack_ready.connect(announce_pack_ready)
