"""Reactions of the notices domain to other domains' signals."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.notices.models import Notice, NoticeDelivery, NoticeVersion

PAPER_RECEIPT = "paper_acknowledgement_recorded"


def complete_on_paper(sender: Any, **details: Any) -> None:
    """A paper receipt for a notice, recorded by HR on the employee's behalf, completes the
    employee's open deliveries of that notice."""
    event = details["event"]
    if event.event_type != PAPER_RECEIPT or event.content_kind != "notice":
        return
    key = event.content_ref.partition(":")[2]
    notice_match = Notice.key == key if not key.isdigit() else sa.or_(Notice.key == key, Notice.id == int(key))
    deliveries = db.session.execute(
        sa.select(NoticeDelivery).join(NoticeVersion, NoticeDelivery.version_id == NoticeVersion.id)
        .join(Notice, NoticeVersion.notice_id == Notice.id)
        .where(notice_match, NoticeDelivery.employee_id == event.employee_id, NoticeDelivery.acknowledged_at.is_(None))
    ).scalars()
    for delivery in deliveries:
        delivery.acknowledged_at = event.occurred_at
