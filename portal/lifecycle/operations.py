"""Lifecycle operations: how a receipt stands after later versions, which acknowledgements expire,
renewing the expired ones and reminding before expiry.

Renewal re-assigns a course as its next cycle and delivers a notice's newest version as the next
cycle, each with a due date and its ledger events, in one transaction; a second run finds nothing
left to renew.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.auth.models import User
from portal.core.types import SHANGHAI, utcnow
from portal.courses.models import Assignment, Course
from portal.courses.operations import renew_assignment
from portal.courses.rules import AssignmentReason
from portal.evidence.ledger import SYSTEM, Origin, append_event
from portal.extensions import db
from portal.lifecycle import rules
from portal.lifecycle.rules import LaterVersion, Standing, Validity
from portal.notices import rules as notice_rules
from portal.notices.models import Notice, NoticeAcknowledgement, NoticeDelivery, NoticeVersion
from portal.notices.operations import push_notice
from portal.notifications.operations import notify, path_for
from portal.org.models import Employee
from portal.workbench.models import SentReminder


def _local(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


# --- Receipts -------------------------------------------------------------------------------------


def course_standing(later: Iterable[Sequence[Any]], validity_months: int | None, acknowledged_at: datetime,
                    today: date) -> Standing:
    """How a course receipt stands: the versions after its own in its language (number, change
    kind, note and when each was made, in order) and its validity."""
    return rules.standing([LaterVersion(number, kind, note, _local(created)) for number, kind, note, created in later],
                          _local(acknowledged_at), validity_months, today)


def notice_standing(record: NoticeAcknowledgement, today: date) -> Standing:
    """How a notice receipt stands: the later versions of the notice and its validity."""
    version = record.delivery.version
    later = [v for v in version.notice.versions if v.number > version.number]
    return rules.standing([LaterVersion(v.number, v.change_kind, v.change_note, _local(v.created_at)) for v in later],
                          _local(record.acknowledged_at), version.notice.validity_months, today)


def acknowledgement_validity(acknowledged_at: datetime | None, validity_months: int | None,
                             today: date) -> Validity | None:
    """Valid, expiring or expired for an acknowledgement given at ``acknowledged_at`` (UTC) of
    something valid for ``validity_months``; None when not acknowledged or never expiring."""
    if acknowledged_at is None:
        return None
    return rules.validity(rules.expires_on(_local(acknowledged_at), validity_months), today)


# --- What expires ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Held:
    """One acknowledgement that expires: a current course assignment or the newest notice delivery."""

    kind: str  # course | notice
    item_id: int
    employee: Employee
    title_zh: str
    title_en: str
    link: str
    acknowledged_on: date
    expires_on: date

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_zh


def _held_courses(employee_filter: sa.ColumnElement[bool] | None,
                  lock: bool = False) -> Iterator[tuple[Held, Assignment]]:
    query = (sa.select(Assignment).join(Course).join(Employee, Employee.id == Assignment.employee_id)
             .where(Assignment.is_current.is_(True), Assignment.acknowledged_at.is_not(None),
                    Course.validity_months.is_not(None)))
    if employee_filter is not None:
        query = query.where(employee_filter)
    if lock:  # a concurrent run waits, then no longer finds the assignment current
        query = query.with_for_update(of=Assignment)
    for assignment in db.session.execute(query.order_by(Assignment.id)).scalars():
        course = assignment.course
        acknowledged = _local(assignment.acknowledged_at)
        yield Held("course", assignment.id, assignment.employee, course.title_zh, course.title_en,
                   path_for("courses.course", slug=course.slug), acknowledged,
                   rules.expires_on(acknowledged, course.validity_months)), assignment


def _newest_notice_deliveries(employee_filter: sa.ColumnElement[bool] | None) -> list[NoticeDelivery]:
    """Each employee's newest delivery of each notice that has a validity period."""
    query = (sa.select(NoticeDelivery).join(NoticeVersion).join(Notice)
             .join(Employee, Employee.id == NoticeDelivery.employee_id)
             .where(Notice.validity_months.is_not(None)))
    if employee_filter is not None:
        query = query.where(employee_filter)
    newest: dict[tuple[int, int], NoticeDelivery] = {}
    for delivery in db.session.execute(query.order_by(NoticeDelivery.id)).scalars():
        newest[(delivery.version.notice_id, delivery.employee_id)] = delivery
    return list(newest.values())


def _held_notices(employee_filter: sa.ColumnElement[bool] | None) -> Iterator[tuple[Held, NoticeDelivery]]:
    for delivery in _newest_notice_deliveries(employee_filter):
        if delivery.acknowledged_at is None:
            continue
        version = delivery.version
        acknowledged = _local(delivery.acknowledged_at)
        yield Held("notice", delivery.id, delivery.employee, version.title("zh_CN"), version.snapshot["title"]["en"],
                   path_for("notices.detail", delivery_id=delivery.id), acknowledged,
                   rules.expires_on(acknowledged, version.notice.validity_months)), delivery


def expiring(today: date, within_days: int, employee_filter: sa.ColumnElement[bool] | None = None) -> list[Held]:
    """Acknowledgements that expire within ``within_days`` of ``today`` or have expired and are not
    renewed yet, soonest first."""
    held = [h for h, _ in _held_courses(employee_filter)] + [h for h, _ in _held_notices(employee_filter)]
    soon = [h for h in held if rules.validity(h.expires_on, today, within_days) in (Validity.EXPIRING, Validity.EXPIRED)]
    return sorted(soon, key=lambda h: (h.expires_on, h.employee.number, h.kind, h.item_id))


# --- Renewal --------------------------------------------------------------------------------------


@dataclass
class RenewalRun:
    courses: int = 0
    notices: int = 0
    reminders: int = 0
    renewed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return self.renewed + [f"renewed {self.courses} course(s) and {self.notices} notice(s); "
                               f"sent {self.reminders} reminder(s) before expiry"]


def renew_expired(today: date, origin: Origin = SYSTEM, now: datetime | None = None) -> RenewalRun:
    """Re-assign every expired acknowledgement once, with a due date, and remind those that expire
    within ``rules.REMINDER_DAYS``; one transaction, safe to run again (an expired cycle is renewed
    by making a new current cycle, so the next run no longer sees it)."""
    now = now or utcnow()
    run = RenewalRun()
    for held, assignment in list(_held_courses(None, lock=True)):
        state = rules.validity(held.expires_on, today)
        if state is Validity.EXPIRED:
            renew_assignment(assignment, AssignmentReason.RENEWAL, origin, now)
            run.courses += 1
            run.renewed.append(f"course {assignment.course.slug} renewed for {held.employee.number}")
        elif rules.reminder_due(held.expires_on, today):
            run.reminders += _remind(held)
    for held, delivery in list(_held_notices(None)):
        state = rules.validity(held.expires_on, today)
        if state is Validity.EXPIRED:
            newest = delivery.version.notice.newest
            # The next cycle of the same version, or the first of a newer one; push_notice skips a
            # cycle that a concurrent run already delivered.
            cycle = delivery.cycle + 1 if newest.id == delivery.version_id else 1
            if push_notice(newest, [delivery.employee], notice_rules.due_date(today), None, origin, now=now,
                           cycle=cycle, reason="renewal"):
                run.notices += 1
                run.renewed.append(f"notice {newest.notice.ref_id} renewed for {held.employee.number}")
        elif rules.reminder_due(held.expires_on, today):
            run.reminders += _remind(held)
    db.session.commit()
    return run


def _remind(held: Held) -> int:
    """One reminder per acknowledgement and expiry date: its key is claimed first (insert-or-ignore),
    so two servers running at once remind once."""
    key = f"renewal:{held.kind}:{held.item_id}:{held.expires_on.isoformat()}"
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(SentReminder)
    claimed = db.session.execute(insert.values(key=key, sent_at=utcnow()).on_conflict_do_nothing(index_elements=["key"])
                                 .returning(SentReminder.id)).scalar_one_or_none()
    if claimed is None:
        return 0
    user = db.session.execute(sa.select(User).where(User.employee_id == held.employee.id)).scalar_one_or_none()
    params = {"title": held.title(held.employee.preferred_locale), "due": held.expires_on.isoformat()}
    if user is not None:
        notify(user.id, "reminder", "renewal_reminder", params, held.link)
    append_event("reminder_sent", employee_id=held.employee.id, actor_user_id=None, origin=Origin(channel="portal-inbox"),
                 payload={"key": key, "kind": f"renewal_{held.kind}", "item": held.item_id,
                          "recipient": held.employee.id, "escalation": False, "due": params["due"],
                          "message_id": None})
    return 1
