"""HR's hand on reminders: the open courses and notices with their due dates, "remind now" for
the ones chosen, moving their due dates in one go, and recording an acknowledgement made outside
the portal on the person's behalf. Each action is a ledger event on the
employee's chain and a notification to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.courses.models import Assignment, Course
from portal.evidence.ledger import ContentRef, Origin, append_event
from portal.extensions import db
from portal.notices.models import NoticeDelivery
from portal.notifications.operations import notify, path_for, user_of
from portal.org.models import Employee

KINDS = ("course", "notice")
ON_BEHALF = "acknowledged_on_behalf"


@dataclass(frozen=True)
class Duty:
    """One open course or notice of one employee."""

    kind: str
    item_id: int
    employee: Employee
    title: str
    due: date
    link: str

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.item_id}"

    def overdue(self, today: date) -> bool:
        return self.due < today


def _course_duties(condition: sa.ColumnElement[bool], locale: str, limit: int) -> list[Duty]:
    rows = db.session.execute(
        sa.select(Assignment, Course, Employee).join(Course, Assignment.course_id == Course.id)
        .join(Employee, Assignment.employee_id == Employee.id)
        .where(Assignment.is_current.is_(True), Assignment.acknowledged_at.is_(None), condition)
        .order_by(Assignment.due_date, Employee.number).limit(limit)).all()
    return [Duty("course", a.id, e, course.title_en if locale == "en" else course.title_zh, a.due_date,
                 path_for("courses.course", slug=course.slug)) for a, course, e in rows]


def _notice_duties(condition: sa.ColumnElement[bool], locale: str, limit: int) -> list[Duty]:
    rows = db.session.execute(
        sa.select(NoticeDelivery, Employee).join(Employee, NoticeDelivery.employee_id == Employee.id)
        .where(NoticeDelivery.acknowledged_at.is_(None), condition)
        .order_by(NoticeDelivery.due_date, Employee.number).limit(limit)).all()
    return [Duty("notice", d.id, e, d.version.title(locale), d.due_date, path_for("notices.detail", delivery_id=d.id))
            for d, e in rows]


def open_duties(condition: sa.ColumnElement[bool], locale: str, limit: int = 300) -> list[Duty]:
    """Unacknowledged current courses and notices of the employees ``condition`` selects, soonest due first."""
    duties = _course_duties(condition, locale, limit) + _notice_duties(condition, locale, limit)
    return sorted(duties, key=lambda d: (d.due, d.employee.number))[:limit]


def chosen(refs: list[str], locale: str) -> list[Duty]:
    """The open duties named by ``kind:id`` references (unknown or finished ones are left out)."""
    ids: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for ref in refs:
        kind, _sep, number = ref.partition(":")
        if kind in ids and number.isdigit():
            ids[kind].append(int(number))
    return (_course_duties(Assignment.id.in_(ids["course"]), locale, len(refs))
            + _notice_duties(NoticeDelivery.id.in_(ids["notice"]), locale, len(refs)))


def remind_now(duties: list[Duty], today: date, by_user_id: int, origin: Origin) -> int:
    """Remind each person at once (in the portal, and by e-mail through the outbox); returns how many."""
    sent = 0
    for duty in duties:
        user = user_of(duty.employee.id)
        level = "reminder" if duty.overdue(today) else "due_soon"
        if user is not None:
            notify(user.id, "reminder", f"{duty.kind}_{level}", {"title": duty.title, "due": duty.due.isoformat()},
                   duty.link)
            sent += 1
        append_event("reminder_sent", employee_id=duty.employee.id, actor_user_id=by_user_id, origin=origin,
                     payload={"kind": duty.kind, "item": duty.item_id, "recipient": duty.employee.id,
                              "level": level, "manual": True, "due": duty.due.isoformat(),
                              "delivered": user is not None})
    return sent


def extend_due_dates(duties: list[Duty], new_due: date, by_user_id: int, origin: Origin, now: datetime) -> int:
    """Move the due dates of the chosen duties to ``new_due`` (never earlier than they were); each
    move is recorded and the person is told."""
    moved = 0
    for duty in duties:
        if new_due <= duty.due:
            continue
        record = db.session.get(Assignment if duty.kind == "course" else NoticeDelivery, duty.item_id,
                                with_for_update=True)
        record.due_date = new_due
        append_event("due_date_extended", employee_id=duty.employee.id, actor_user_id=by_user_id, origin=origin,
                     occurred_at=now, payload={"kind": duty.kind, "item": duty.item_id, "from": duty.due.isoformat(),
                                               "to": new_due.isoformat()})
        user = user_of(duty.employee.id)
        if user is not None:
            notify(user.id, "reminder", "due_extended", {"title": duty.title, "due": new_due.isoformat()}, duty.link)
        moved += 1
    return moved


def acknowledge_on_behalf(duties: list[Duty], consent_note: str, by_user_id: int, origin: Origin, now: datetime) -> int:
    """HR records that each person acknowledged the version they were given, outside the portal
    (on the phone, at a meeting), with how their consent was obtained. Silence is never consent
    (Civil Code Art. 140), so the note is required and kept in the ledger with the version's hash."""
    from portal.courses.operations import current_version

    done = 0
    for duty in duties:
        if duty.kind == "course":
            record = db.session.get(Assignment, duty.item_id, with_for_update=True)
            version = current_version(record.course, duty.employee.preferred_locale)
            content = ContentRef("course", record.course.slug, version.number, version.sha256)
        else:
            record = db.session.get(NoticeDelivery, duty.item_id, with_for_update=True)
            key = record.version.notice.key or str(record.version.notice_id)
            content = ContentRef("notice", key, record.version.number, record.version.sha256)
        if record.acknowledged_at is not None:
            continue
        record.acknowledged_at = now
        append_event(ON_BEHALF, employee_id=duty.employee.id, actor_user_id=by_user_id, origin=origin,
                     content=content, occurred_at=now,
                     payload={"kind": duty.kind, "item": duty.item_id, "consent": consent_note})
        done += 1
    return done
