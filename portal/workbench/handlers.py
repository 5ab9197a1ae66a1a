"""Reactions of the workbench to other domains' signals."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.courses.models import Assignment
from portal.evidence.ledger import Origin
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.workbench.alerts import AlertCode
from portal.workbench.models import RESOLVED, RiskAlert
from portal.workbench.operations import resolve_alert

# A paper receipt, or an acknowledgement HR recorded on the person's behalf with how they consented.
COMPLETING_EVENTS = {"paper_acknowledgement_recorded", "acknowledged_on_behalf"}


def _covers(event: Any, alert: RiskAlert) -> bool:
    """Whether the receipt is for the course or notice the alert is about."""
    kind, _sep, ref = (event.content_ref or "").partition(":")
    if alert.subject_kind == "assignment" and kind == "course":
        assignment = db.session.get(Assignment, alert.subject_id)
        return assignment is not None and assignment.course.slug == ref
    if alert.subject_kind == "delivery" and kind == "notice":
        delivery = db.session.get(NoticeDelivery, alert.subject_id)
        notice = delivery.version.notice if delivery is not None else None
        return notice is not None and ref in (notice.key, str(notice.id))
    return False


def resolve_on_paper(sender: Any, **details: Any) -> None:
    """A paper receipt (or an on-behalf acknowledgement) for an overdue course or notice resolves
    its "acknowledgement overdue" alert, by whoever recorded it (the item itself is completed by the
    courses and notices domains, or by the on-behalf operation)."""
    event = details["event"]
    if event.event_type not in COMPLETING_EVENTS:
        return
    alerts = list(db.session.execute(sa.select(RiskAlert).where(
        RiskAlert.employee_id == event.employee_id, RiskAlert.code == AlertCode.ACKNOWLEDGEMENT_OVERDUE.value,
        RiskAlert.status != RESOLVED)).scalars())
    for alert in alerts:
        if _covers(event, alert):
            resolve_alert(alert, event.actor_user_id, Origin(channel="paper"))


_ALERTS = RiskAlert.__table__
# Built once, ids only: most acknowledgements come before any alert about them.
_OPEN_ALERTS_ABOUT = sa.select(_ALERTS.c.id).where(
    _ALERTS.c.subject_kind == sa.bindparam("kind"), _ALERTS.c.subject_id == sa.bindparam("subject"),
    _ALERTS.c.status != RESOLVED)


def resolve_acknowledged(sender: Any, **details: Any) -> None:
    """The acknowledgement an alert asked for was given: its alerts are resolved now, not at the next scan."""
    ids = db.session.execute(_OPEN_ALERTS_ABOUT, {"kind": details["subject_kind"],
                                                  "subject": details["subject_id"]}).scalars().all()
    if ids:
        for alert in db.session.execute(sa.select(RiskAlert).where(RiskAlert.id.in_(ids))).scalars():
            resolve_alert(alert, details["by_user_id"], details["origin"])
