"""Lifecycle operations: how a receipt stands after later versions, which acknowledgements expire,
renewing the expired ones and reminding before expiry.

Renewal re-assigns a course as its next cycle and delivers a notice's newest version as the next
cycle, each with a due date and its ledger events, in one transaction; a second run finds nothing
left to renew.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.auth.models import User
from portal.core.records import one_of
from portal.core.types import SHANGHAI, utcnow
from portal.courses.models import Assignment, Course
from portal.courses.operations import renew_assignment
from portal.courses.rules import AssignmentReason
from portal.evidence.ledger import SYSTEM, Origin, append_event
from portal.extensions import db
from portal.lifecycle import rules
from portal.lifecycle.rules import LaterVersion, Standing, Validity
from portal.notices import rules as notice_rules
from portal.notices.models import Notice, NoticeAcknowledgement, NoticeDelivery
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
    """One acknowledgement whose holder is reminded before it expires: a current course assignment or
    the newest notice delivery."""

    kind: str  # course | notice
    item_id: int
    employee: Employee
    title_zh: str
    title_en: str
    link: str
    expires_on: date

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_zh


# --- The list of what expires, a page at a time ----------------------------------------------------
#
# Each course or notice with a validity period is a source whose acknowledgements expire in the
# order they were given (the expiry day never falls as the acknowledgement day rises), so a page
# reads each source in index order from where the last page ended and merges them: a page costs
# what the first one does at any company size, however many acknowledgements expire.

EXPIRING_PAGE = 50


@dataclass(frozen=True, eq=False)
class ExpirySource:
    """A course or notice with a validity period; ``titles`` by notice version (a course's under None)."""

    kind: str  # course | notice (the order of kinds within one moment)
    id: int
    validity_months: int
    titles: dict[int | None, tuple[str, str]]


class ExpiringRow(NamedTuple):
    expires_on: date
    acknowledged_at: datetime
    kind: str
    item_id: int  # the assignment or the delivery
    employee_number: str
    employee_name: str
    title_zh: str
    title_en: str

    @property
    def key(self) -> tuple[date, datetime, str, int]:
        """The list's order: soonest expiry first, then as acknowledged."""
        return self.expires_on, self.acknowledged_at, self.kind, self.item_id

    @property
    def acknowledged_on(self) -> date:
        return _local(self.acknowledged_at)

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_zh


class ExpiringPage(NamedTuple):
    rows: list[ExpiringRow]
    total: int
    next_key: tuple[date, datetime, str, int] | None  # where the next page starts; None on the last


def expiry_sources() -> list[ExpirySource]:
    """The courses and notices that have a validity period (a handful), with their titles."""
    sources = [ExpirySource("course", course.id, course.validity_months, {None: (course.title_zh, course.title_en)})
               for course in db.session.execute(sa.select(Course).where(Course.validity_months.is_not(None))
                                                .order_by(Course.id)).scalars()]
    for notice in db.session.execute(sa.select(Notice).where(Notice.validity_months.is_not(None))
                                     .order_by(Notice.id)).scalars():
        titles = {v.id: (v.title("zh_CN"), v.snapshot["title"]["en"]) for v in notice.versions}
        sources.append(ExpirySource("notice", notice.id, notice.validity_months, titles))
    return sources


def _day_start(day: date) -> datetime:
    """The instant a day begins in Shanghai: an acknowledgement given from then on falls on that day or later."""
    return datetime.combine(day, datetime.min.time(), SHANGHAI).astimezone(timezone.utc)


def _given_from(source: ExpirySource, expiring_from: date) -> datetime:
    """The first instant whose acknowledgement of ``source`` expires on ``expiring_from`` or later."""
    return _day_start(rules.first_acknowledged_on(expiring_from, source.validity_months))


def _after(source: ExpirySource, given: sa.ColumnElement[datetime], item_id: sa.ColumnElement[int],
           key: tuple[date, datetime, str, int]) -> sa.ColumnElement[bool]:
    """The acknowledgements of ``source`` that come after ``key`` in the list's order, as a bound on
    the moment they were given (and their id), which is the order the source is read in."""
    expires_on, acknowledged_at, kind, last_id = key
    same_day_from, later_from = _given_from(source, expires_on), _given_from(source, expires_on + timedelta(days=1))
    if acknowledged_at < same_day_from:
        return given >= same_day_from
    if acknowledged_at >= later_from:
        return given >= later_from
    if source.kind != kind:  # the same expiry and moment: the kinds' order decides
        return given >= acknowledged_at if source.kind > kind else given > acknowledged_at
    return sa.or_(given > acknowledged_at, sa.and_(given == acknowledged_at, item_id > last_id))


def _source_rows(source: ExpirySource, until: datetime, employee_filter: sa.ColumnElement[bool],
                 counted: bool = False) -> sa.Select:
    """The acknowledgements of ``source`` given before ``until`` (they expire within the window), as
    rows of (id, acknowledged at, employee number, name, version) in the order given, or ``counted``.
    A count for everyone reads no employee."""
    if source.kind == "course":
        columns = (Assignment.id, Assignment.acknowledged_at, Employee.number, Employee.name,
                   sa.null().label("version_id"))
        rows = (sa.select(*((sa.func.count(),) if counted else columns)).select_from(Assignment)
                .where(Assignment.course_id == source.id, Assignment.is_current.is_(True),
                       Assignment.acknowledged_at.is_not(None), Assignment.acknowledged_at < until))
        employee_id = Assignment.employee_id
    else:
        later = sa.orm.aliased(NoticeDelivery)
        versions = list(source.titles)
        columns = (NoticeDelivery.id, NoticeDelivery.acknowledged_at, Employee.number, Employee.name,
                   NoticeDelivery.version_id)
        rows = (sa.select(*((sa.func.count(),) if counted else columns)).select_from(NoticeDelivery)
                .where(one_of(NoticeDelivery.version_id, versions), NoticeDelivery.acknowledged_at.is_not(None),
                       NoticeDelivery.acknowledged_at < until,
                       ~sa.exists().where(later.employee_id == NoticeDelivery.employee_id,  # the newest delivery
                                          later.id > NoticeDelivery.id, one_of(later.version_id, versions))))
        employee_id = NoticeDelivery.employee_id
    if counted and employee_filter is sa.true():
        return rows
    return rows.join(Employee, Employee.id == employee_id).where(employee_filter)


def expiring_page(today: date, within_days: int, employee_filter: sa.ColumnElement[bool],
                  after: tuple[date, datetime, str, int] | None = None, size: int | None = None) -> ExpiringPage:
    """Acknowledgements that expire within ``within_days`` of ``today`` or have expired and are not
    renewed yet, soonest first: the page after ``after`` (a row's key), and how many there are in
    all (one statement counts every source)."""
    size = EXPIRING_PAGE if size is None else size
    sources = expiry_sources()
    if not sources:
        return ExpiringPage([], 0, None)
    horizon = today + timedelta(days=within_days + 1)  # the first expiry day past the window
    until = {source: _given_from(source, horizon) for source in sources}
    total = sum(db.session.execute(sa.union_all(*(
        _source_rows(source, until[source], employee_filter, counted=True) for source in sources))).scalars())
    found: list[ExpiringRow] = []
    for source in sources:
        rows = _source_rows(source, until[source], employee_filter)
        given, item_id = rows.selected_columns[1], rows.selected_columns[0]
        if after is not None:
            rows = rows.where(_after(source, given, item_id, after))
        # In the order of the source's index (course, moment given with nothing first, id).
        for row in db.session.execute(rows.order_by(given.asc().nulls_first(), item_id).limit(size + 1)):
            title_zh, title_en = source.titles[row.version_id]
            found.append(ExpiringRow(rules.expires_on(_local(row.acknowledged_at), source.validity_months),
                                     row.acknowledged_at, source.kind, row.id, row.number, row.name,
                                     title_zh, title_en))
    found.sort(key=lambda row: row.key)
    shown = found[:size]
    return ExpiringPage(shown, total, shown[-1].key if len(found) > size else None)


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


RENEWAL_BATCH = 500  # acknowledgements locked, renewed or reminded and committed at a time


def renew_expired(today: date, origin: Origin = SYSTEM, now: datetime | None = None) -> RenewalRun:
    """Re-assign every expired acknowledgement once, with a due date, and remind those that expire
    within ``rules.REMINDER_DAYS``; safe to run again (an expired cycle is renewed by making a new
    current cycle, so the next run no longer sees it).

    Only what is due is read: each source (a course or notice with a validity period) in the order
    its acknowledgements were given, up to the last day given that expires within the reminder
    window, in locked batches committed one at a time: a company's run holds a few hundred rows
    and their locks at once, whatever its size."""
    now = now or utcnow()
    run = RenewalRun()
    for source in expiry_sources():
        until = _given_from(source, today + timedelta(days=rules.REMINDER_DAYS + 1))
        after: tuple[datetime, int] | None = None
        while batch := _due_batch(source, until, after):
            for record in batch:
                _renew_or_remind(run, source, record, today, origin, now)
            after = batch[-1].acknowledged_at, batch[-1].id
            db.session.commit()
    return run


def _due_batch(source: ExpirySource, until: datetime, after: tuple[datetime, int] | None) -> list[Any]:
    """The next acknowledgements of ``source`` given before ``until``, after ``after`` (the last one
    of the previous batch), locked: a concurrent run waits, then finds a renewed one no longer current
    (courses) or delivered again (notices, which ``push_notice`` skips)."""
    if source.kind == "course":
        model, relations = Assignment, (sa.orm.joinedload(Assignment.employee), sa.orm.joinedload(Assignment.course))
        rows = sa.select(Assignment).where(Assignment.course_id == source.id, Assignment.is_current.is_(True))
    else:
        later = sa.orm.aliased(NoticeDelivery)
        versions = list(source.titles)
        model, relations = NoticeDelivery, (sa.orm.joinedload(NoticeDelivery.employee),
                                            sa.orm.joinedload(NoticeDelivery.version))
        rows = sa.select(NoticeDelivery).where(
            one_of(NoticeDelivery.version_id, versions),
            ~sa.exists().where(later.employee_id == NoticeDelivery.employee_id, later.id > NoticeDelivery.id,
                               one_of(later.version_id, versions)))  # the employee's newest delivery
    given = model.acknowledged_at
    rows = rows.where(given.is_not(None), given < until)
    if after is not None:
        rows = rows.where(sa.or_(given > after[0], sa.and_(given == after[0], model.id > after[1])))
    rows = rows.order_by(given.asc().nulls_first(), model.id).limit(RENEWAL_BATCH).with_for_update(of=model)
    return list(db.session.execute(rows.options(*relations)).unique().scalars())


def _renew_or_remind(run: RenewalRun, source: ExpirySource, record: Any, today: date, origin: Origin,
                     now: datetime) -> None:
    expiry = rules.expires_on(_local(record.acknowledged_at), source.validity_months)
    state = rules.validity(expiry, today)
    employee = record.employee
    if source.kind == "course":
        if state is Validity.EXPIRED:
            renew_assignment(record, AssignmentReason.RENEWAL, origin, now)
            run.courses += 1
            run.renewed.append(f"course {record.course.slug} renewed for {employee.number}")
        elif rules.reminder_due(expiry, today):
            run.reminders += _remind(Held("course", record.id, employee, *source.titles[None],
                                          path_for("courses.course", slug=record.course.slug), expiry))
        return
    if state is Validity.EXPIRED:
        newest = record.version.notice.newest
        # The next cycle of the same version, or the first of a newer one; push_notice skips a cycle
        # that a concurrent run already delivered.
        cycle = record.cycle + 1 if newest.id == record.version_id else 1
        if push_notice(newest, [employee], notice_rules.due_date(today), None, origin, now=now, cycle=cycle,
                       reason="renewal"):
            run.notices += 1
            run.renewed.append(f"notice {newest.notice.ref_id} renewed for {employee.number}")
    elif rules.reminder_due(expiry, today):
        run.reminders += _remind(Held("notice", record.id, employee, *source.titles[record.version_id],
                                      path_for("notices.detail", delivery_id=record.id), expiry))


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
