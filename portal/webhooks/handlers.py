"""Turning ledger events into webhook deliveries, and sending them once their transaction commits."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Flask

from portal.webhooks import events, operations


def deliveries_for_event(sender: Any, **details: Any) -> None:
    """Record deliveries for a ledger event that subscribers are told about (same transaction)."""
    event = details["event"]
    payload = json.loads(event.body)["payload"]
    kind = events.webhook_kind(event.event_type, payload)
    if kind is None:
        return
    data = events.webhook_data(kind, payload)
    if event.content_ref:
        data["content"] = event.content_ref
    operations.record(kind, event.hash[:40], event.occurred_at, event.employee_id, data)


def announce_pack_ready(_sender: Any, *, pack_request: Any) -> None:
    """``pack.ready`` for every built pack, asked for on the pages or through the API (same transaction)."""
    operations.record("pack.ready", f"pack-{pack_request.id}", pack_request.finished_at, pack_request.employee_id,
                      {"pack": pack_request.id, "sha256": pack_request.sha256})


def _committed(session: sa.orm.Session) -> None:
    ids = session.info.pop(operations.PENDING, None)
    if ids:
        session.info.setdefault(operations.COMMITTED, []).extend(ids)


def _rolled_back(session: sa.orm.Session, previous_transaction: Any) -> None:
    session.info.pop(operations.PENDING, None)


def send_committed(error: BaseException | None = None) -> None:
    """At the end of a request or command (its app context): enqueue what its transactions recorded
    and committed."""
    from portal.webhooks.jobs import enqueue

    enqueue(operations.take_committed())


def init_app(app: Flask) -> None:
    if not sa.event.contains(sa.orm.Session, "after_commit", _committed):
        sa.event.listen(sa.orm.Session, "after_commit", _committed)
        sa.event.listen(sa.orm.Session, "after_soft_rollback", _rolled_back)
    app.teardown_appcontext(send_committed)
