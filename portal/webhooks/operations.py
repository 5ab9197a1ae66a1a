"""Subscriptions, recording deliveries in the transaction of the event, and sending them.

A delivery row is written in the same transaction as the ledger event it reports, so an event that
is rolled back is never announced. Sending happens after the commit, through the job queue; a
delivery that was never attempted (a worker was down) is picked up by the minute sweep.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from typing import Any

import requests
import sqlalchemy as sa

from portal.auth.models import User
from portal.auth.policy import can
from portal.core.types import utcnow
from portal.extensions import db
from portal.org.models import Employee
from portal.webhooks import signing
from portal.webhooks.models import Delivery, Subscription

TIMEOUT_SECONDS = 10
PENDING, COMMITTED = "webhook_deliveries_recorded", "webhook_deliveries_committed"


def subscribe(url: str, kinds: list[str], created_by: User) -> Subscription:
    subscription = Subscription(url=url, event_kinds=" ".join(sorted(set(kinds))), secret=secrets.token_hex(32),
                                created_by_id=created_by.id)
    db.session.add(subscription)
    db.session.flush()
    return subscription


def unsubscribe(subscription: Subscription) -> None:
    subscription.active = False


def subscriptions() -> list[Subscription]:
    return list(db.session.execute(sa.select(Subscription).order_by(Subscription.id)).scalars())


def _may_see(subscription: Subscription, employee_id: int | None) -> bool:
    """A receiver hears only about employees its creator's account may see (the pages' policy)."""
    owner = db.session.get(User, subscription.created_by_id) if subscription.created_by_id else None
    if owner is None or not owner.is_enabled:
        return False
    if employee_id is None:
        return can(owner.actor, "employee.list")
    employee = db.session.get(Employee, employee_id)
    return employee is not None and can(owner.actor, "employee.view", employee)


_SUBSCRIPTIONS = Subscription.__table__
# Built once, two columns: every ledger event a subscriber could hear of asks this, and most
# portals have no subscription at all.
_ACTIVE_KINDS = sa.select(_SUBSCRIPTIONS.c.id, _SUBSCRIPTIONS.c.event_kinds).where(_SUBSCRIPTIONS.c.active.is_(True))


def record(kind: str, event_id: str, occurred_at: datetime, employee_id: int | None, data: dict[str, Any]) -> int:
    """A delivery for every active subscription to ``kind`` (flushed, sent after the commit)."""
    wanted = [row.id for row in db.session.execute(_ACTIVE_KINDS) if kind in row.event_kinds.split()]
    active = [s for s in (db.session.get(Subscription, i) for i in wanted) if _may_see(s, employee_id)]
    if not active:
        return 0
    number = db.session.get(Employee, employee_id).number if employee_id is not None else None
    body = json.dumps({"id": event_id, "kind": kind, "occurred_at": occurred_at.isoformat(), "employee": number,
                       "data": data}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for subscription in active:
        delivery = Delivery(subscription_id=subscription.id, event_id=event_id, kind=kind, body=body)
        db.session.add(delivery)
        db.session.flush()
        db.session.info.setdefault(PENDING, []).append(delivery.id)
    return len(active)


def send(delivery_id: int, now: datetime | None = None) -> bool:
    """One attempt: POST the signed body; the outcome is stored either way. Returns success."""
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.delivered_at is not None:
        return True
    moment = now or utcnow()
    body = delivery.body.encode()
    headers = {"Content-Type": "application/json", "User-Agent": "injury-portal-webhooks/1",
               "Portal-Event-Id": delivery.event_id, "Portal-Event-Kind": delivery.kind,
               "Portal-Delivery": str(delivery.id),
               signing.SIGNATURE_HEADER: signing.signature(delivery.subscription.secret, int(moment.timestamp()), body)}
    delivery.attempts += 1
    delivery.last_attempt_at = moment
    try:
        answer = requests.post(delivery.subscription.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS,
                               allow_redirects=False)
        delivery.last_status, delivery.last_error = answer.status_code, ""
        ok = 200 <= answer.status_code < 300
    except requests.RequestException as error:
        delivery.last_status, delivery.last_error, ok = None, str(error)[:300], False
    if ok:
        delivery.delivered_at = moment
    db.session.commit()
    return ok


def take_committed() -> list[int]:
    """Deliveries recorded by transactions that have committed since the last call."""
    return db.session.info.pop(COMMITTED, [])


def never_attempted(older_than: timedelta = timedelta(minutes=1)) -> list[int]:
    cutoff = utcnow() - older_than
    return list(db.session.execute(sa.select(Delivery.id).where(
        Delivery.attempts == 0, Delivery.delivered_at.is_(None), Delivery.created_at < cutoff)).scalars())


def delivery_log(limit: int = 200) -> list[Delivery]:
    return list(db.session.execute(sa.select(Delivery).options(sa.orm.joinedload(Delivery.subscription))
                                   .order_by(Delivery.id.desc()).limit(limit)).scalars())
