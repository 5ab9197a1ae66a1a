"""The rest-day calendar every deadline is computed with: the statutory holidays and adjusted
working days (调休) of the maintained ``chinese-calendar`` package, plus HR's overrides for the
State Council's announcements the package does not carry yet (Civil Code Art. 203)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from chinese_calendar import constants

from portal.cases.models import HolidayOverride
from portal.cases.rules import HolidayCalendar, Override
from portal.evidence.ledger import Origin, append_event
from portal.extensions import db


def holiday_calendar() -> HolidayCalendar:
    overrides = [Override(o.day, o.working, o.name) for o in holiday_overrides()]
    return HolidayCalendar.build(constants.holidays, constants.workdays, overrides)


def holiday_overrides() -> list[HolidayOverride]:
    return list(db.session.execute(sa.select(HolidayOverride).order_by(HolidayOverride.day)).scalars())


def save_override(day: date, working: bool, name: str, by_user_id: int | None, origin: Origin) -> HolidayOverride:
    """Mark ``day`` as a public holiday or an adjusted working day; a second save of the same day
    replaces it. Recorded on the portal-wide chain: every deadline may move with it."""
    row = db.session.execute(sa.select(HolidayOverride).where(HolidayOverride.day == day)).scalar_one_or_none()
    if row is None:
        row = HolidayOverride(day=day, working=working, name=name, created_by_id=by_user_id)
        db.session.add(row)
    else:
        row.working, row.name, row.created_by_id = working, name, by_user_id
    db.session.flush()
    append_event("holiday_override_saved", employee_id=None, actor_user_id=by_user_id, origin=origin,
                 payload={"day": day.isoformat(), "working": working, "name": name})
    return row
