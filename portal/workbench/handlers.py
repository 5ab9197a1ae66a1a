"""Reactions of the workbench to other domains' signals."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.workbench.models import RESOLVED, RiskAlert
from portal.workbench.operations import resolve_alert


def resolve_acknowledged(sender: Any, **details: Any) -> None:
    """The acknowledgement an alert asked for was given: its alerts are resolved now, not at the next scan."""
    for alert in db.session.execute(sa.select(RiskAlert).where(
        RiskAlert.subject_kind == details["subject_kind"], RiskAlert.subject_id == details["subject_id"],
        RiskAlert.status != RESOLVED,
    )).scalars():
        resolve_alert(alert, details["by_user_id"], details["origin"])
