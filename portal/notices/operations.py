"""Notice operations: write and version, push, open, acknowledge, ask or object, answer, sync files.

Every state change writes its ledger event through ``portal.evidence.ledger.append_event`` in the
same transaction. These functions flush but never commit: the route (or the injury-case module that
pushes a scenario notice) commits. Only the file sync, one transaction of its own, commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from portal.core.types import SHANGHAI, utcnow
from portal.courses.rules import receipt_number, typed_name_matches
from portal.auth.figures import PageRead, own_employee
from portal.core.records import add_once, one_of, store_values
from portal.evidence.ledger import ContentRef, Origin, append_event
from portal.extensions import db
from portal.lifecycle.rules import ChangeKind, diff_summary
from portal.notices import rules
from portal.notices.content import NoticeErrors, NoticeFileError, load_notices
from portal.notices.models import Notice, NoticeAcknowledgement, NoticeDelivery, NoticeResponse, NoticeVersion
from portal.notices.rules import ResponseKind
from portal.org.models import Employee
from portal.org.rules import EmploymentStatus
from portal.signals import acknowledged


def _ref(version: NoticeVersion) -> ContentRef:
    return ContentRef(kind="notice", id=version.notice.ref_id, version=version.number, sha256=version.sha256)


def shanghai_date(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(SHANGHAI).date()


# --- Writing --------------------------------------------------------------------------------------


class EarlierText(Exception):
    """The text is that of an earlier, not the newest, version: a version is never published twice."""

    def __init__(self, version: NoticeVersion) -> None:
        super().__init__(version.number)
        self.version = version


def save_notice(
    notice: Notice | None, title: Mapping[str, str], body: Mapping[str, str], by_user_id: int | None,
    origin: Origin, key: str | None = None, now: datetime | None = None,
    change: ChangeKind = ChangeKind.MATERIAL, change_note: str = "",
) -> tuple[NoticeVersion, bool]:
    """Create a notice, or give it a new version when its text changed: (newest version, created?).

    Versions are immutable and named by the SHA-256 of their snapshot, so the same text is never
    published twice; a text equal to an earlier version raises :class:`EarlierText`. A new version
    records the editor's ``change`` mark; a material one is pushed again to everyone who
    acknowledged an earlier version (see :func:`repush_after_material_change`).
    """
    now = now or utcnow()
    snapshot = rules.snapshot_json(
        notice.key if notice else key,
        {locale: rules.clean_title(title.get(locale, "")) for locale in rules.LOCALES},
        {locale: rules.clean_text(body.get(locale, "")) for locale in rules.LOCALES},
    )
    digest = rules.content_hash(snapshot)
    if notice is None:
        notice = Notice(key=key, created_at=now, created_by_id=by_user_id)
        db.session.add(notice)
    else:
        same = next((v for v in notice.versions if v.sha256 == digest), None)
        if same is not None and same is not notice.newest:
            raise EarlierText(same)
        if same is not None:
            return same, False
    previous = notice.newest if notice.versions else None
    version = NoticeVersion(notice=notice, number=len(notice.versions) + 1, sha256=digest, snapshot_json=snapshot,
                            created_at=now, created_by_id=by_user_id,
                            change_kind=change.value if previous else None, change_note=change_note if previous else "")
    db.session.add(version)
    db.session.flush()
    append_event("notice_version_published", employee_id=None, actor_user_id=by_user_id, origin=origin,
                 content=_ref(version), payload={"title": version.snapshot["title"]}, occurred_at=now)
    if previous is not None:
        append_event("content_change_marked", employee_id=None, actor_user_id=by_user_id, origin=origin,
                     content=_ref(version), occurred_at=now,
                     payload={"change": change.value, "by": by_user_id, "note": change_note,
                              "previous": {"version": previous.number, "sha256": previous.sha256},
                              "diff": diff_summary(previous.snapshot, version.snapshot)})
        if change is ChangeKind.MATERIAL:
            repush_after_material_change(version, by_user_id, origin, now)
    return version, True


def repush_after_material_change(version: NoticeVersion, by_user_id: int | None, origin: Origin,
                                 now: datetime) -> list[NoticeDelivery]:
    """Push the new version to exactly the employees who acknowledged an earlier one; a version
    holds both languages, so each reads it in their own. Due in ``rules.DUE_DAYS``."""
    employees = db.session.execute(
        sa.select(Employee).where(Employee.id.in_(
            sa.select(NoticeDelivery.employee_id).join(NoticeVersion)
            .where(NoticeVersion.notice_id == version.notice_id, NoticeVersion.number < version.number,
                   NoticeDelivery.acknowledged_at.is_not(None))))
        .order_by(Employee.id)).scalars()
    return push_notice(version, employees, rules.due_date(shanghai_date(now)), by_user_id, origin, now=now,
                       reason="material_change")


# --- Pushing --------------------------------------------------------------------------------------


def push_notice(
    version: NoticeVersion, employees: Iterable[Employee], due_date: date, by_user_id: int | None, origin: Origin,
    scenario: str | None = None, now: datetime | None = None, cycle: int = 1, reason: str | None = None,
) -> list[NoticeDelivery]:
    """Deliver ``version`` to each employee who does not have it yet (in this ``cycle``: a renewal
    delivers the same version again as the next cycle); returns the new deliveries."""
    now = now or utcnow()
    has_it = set(db.session.execute(
        sa.select(NoticeDelivery.employee_id).where(NoticeDelivery.version_id == version.id,
                                                    NoticeDelivery.cycle == cycle)
    ).scalars())
    created = []
    for employee in employees:
        if employee.id in has_it:
            continue
        has_it.add(employee.id)
        delivery = NoticeDelivery(version=version, employee=employee, pushed_at=now, pushed_by_id=by_user_id,
                                  due_date=due_date, scenario=scenario, cycle=cycle)
        db.session.add(delivery)
        db.session.flush()
        append_event("notice_pushed", employee_id=employee.id, actor_user_id=by_user_id, origin=origin,
                     content=_ref(version), occurred_at=now,
                     payload={"delivery": delivery.id, "due_date": due_date.isoformat(), "scenario": scenario,
                              **({"cycle": cycle, "reason": reason} if reason else {})})
        # The notice enters the employee's "My notices", the system they were told to use: receipt is
        # when a message enters the designated system (Electronic Signature Law Art. 11; Civil Code Art. 137).
        append_event("notice_notified", employee_id=employee.id, actor_user_id=by_user_id,
                     origin=Origin(channel="portal-inbox"), content=_ref(version), occurred_at=now,
                     payload={"delivery": delivery.id})
        created.append(delivery)
    return created


def recipients(numbers: list[str], department_id: int | None) -> tuple[list[Employee], list[str]]:
    """The employees with ``numbers`` plus the active staff of ``department_id``, and the numbers
    nobody has (a push with unknown numbers pushes nothing)."""
    people = list(db.session.execute(sa.select(Employee).where(Employee.number.in_(numbers))).scalars())
    unknown = [number for number in numbers if number not in {p.number for p in people}]
    if department_id:
        people += db.session.execute(sa.select(Employee).where(
            Employee.department_id == department_id, Employee.status == EmploymentStatus.ACTIVE)).scalars()
    return list({p.id: p for p in people}.values()), unknown


def notice_by_key(key: str) -> Notice | None:
    return db.session.execute(sa.select(Notice).where(Notice.key == key)).scalar_one_or_none()


def push_scenario_notice(
    key: str, employee: Employee, by_user_id: int | None, origin: Origin, now: datetime | None = None,
) -> NoticeDelivery | None:
    """Push the newest version of scenario notice ``key`` to ``employee`` within the caller's
    transaction (flushed, not committed); None when they already have that version."""
    notice = notice_by_key(key)
    if notice is None or not notice.versions:
        raise LookupError(f"no scenario notice {key!r}: run flask notices sync")
    now = now or utcnow()
    pushed = push_notice(notice.newest, [employee], rules.due_date(shanghai_date(now)), by_user_id, origin,
                         scenario=key, now=now)
    return pushed[0] if pushed else None


# --- Reading and acknowledging --------------------------------------------------------------------


@dataclass
class MyDelivery:
    """One line of "My notices": a delivery and the version it delivered (whose title a page takes
    from ``portal.notices.presenters.version_titles``: a version never changes, so its text need
    not come with every reading of the list)."""

    id: int
    due_date: date
    first_opened_at: datetime | None
    acknowledged_at: datetime | None
    version_id: int


@cache
def my_deliveries_read() -> PageRead:
    """The signed-in employee's deliveries, open ones first, soonest due first, done ones last, as
    plain rows (a list page loads no records), read with the account."""
    return PageRead(
        sa.select(NoticeDelivery.id, NoticeDelivery.due_date, NoticeDelivery.first_opened_at,
                  NoticeDelivery.acknowledged_at, NoticeDelivery.version_id)
        .where(NoticeDelivery.employee_id == own_employee()),
        order_by=(NoticeDelivery.acknowledged_at.is_not(None), NoticeDelivery.due_date, NoticeDelivery.id.desc()))


def own_scenario_deliveries(scenarios: Iterable[str]) -> sa.Select:
    """The notices of ``scenarios`` delivered to the signed-in employee (:func:`own_employee`), as
    :func:`my_deliveries_read` gives them, with when each was pushed last (they are shown in that order)."""
    return (sa.select(*my_deliveries_read().statement.selected_columns, NoticeDelivery.pushed_at)
            .where(NoticeDelivery.employee_id == own_employee(), one_of(NoticeDelivery.scenario, scenarios)))


def my_delivery(delivery_id: int, employee_id: int) -> NoticeDelivery | None:
    """The employee's delivery with its version, notice and acknowledgement, which every page of it
    reads (one statement)."""
    return db.session.execute(
        sa.select(NoticeDelivery)
        .options(sa.orm.joinedload(NoticeDelivery.version).joinedload(NoticeVersion.notice),
                 sa.orm.joinedload(NoticeDelivery.acknowledgement))
        .where(NoticeDelivery.id == delivery_id, NoticeDelivery.employee_id == employee_id)
    ).scalar_one_or_none()


def acknowledgement_by_receipt(number: str) -> NoticeAcknowledgement | None:
    return db.session.execute(
        sa.select(NoticeAcknowledgement).where(NoticeAcknowledgement.receipt_number == number)
    ).scalar_one_or_none()


def open_notice(delivery: NoticeDelivery, locale: str, by_user_id: int, origin: Origin) -> None:
    """Record one opening of the notice page (every one, with the address and device)."""
    now = utcnow()
    first = delivery.first_opened_at is None
    if first:
        delivery.first_opened_at = now
    append_event("notice_opened", employee_id=delivery.employee_id, actor_user_id=by_user_id, origin=origin,
                 content=_ref(delivery.version), occurred_at=now,
                 payload={"delivery": delivery.id, "first": first, "locale": delivery.version.shown_locale(locale)})


class NotOpened(Exception):
    """An acknowledgement of a notice that was never shown to the employee."""


class WrongName(ValueError):
    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def acknowledge_notice(
    delivery: NoticeDelivery, typed_name: str, locale: str, by_user_id: int, origin: Origin,
) -> NoticeAcknowledgement:
    """The explicit acknowledgement, once per delivery: a second submit returns the first record.

    Silence or a click is never an acknowledgement (Civil Code Art. 140): the employee confirms the
    exact statement by typing their own name, and the record is bound to the version's hash.
    """
    if delivery.acknowledgement is not None:
        return delivery.acknowledgement
    if delivery.first_opened_at is None:
        raise NotOpened
    if not typed_name_matches(typed_name, delivery.employee.name):
        raise WrongName(delivery.employee.name)
    now = utcnow()
    version = delivery.version
    shown = version.shown_locale(locale)
    statement = rules.notice_statement(shown, version.title(shown), version.number)
    record = NoticeAcknowledgement(
        delivery_id=delivery.id, employee_id=delivery.employee_id, statement=statement,
        typed_name=typed_name.strip(), content_sha256=version.sha256, acknowledged_at=now,
        ip=origin.ip, user_agent=origin.user_agent,
    )
    record, created = add_once(
        record, sa.select(NoticeAcknowledgement).where(NoticeAcknowledgement.delivery_id == delivery.id))
    if not created:
        return record
    receipt = receipt_number(record.id, shanghai_date(now), prefix="N")
    event = append_event(
        "notice_acknowledged", employee_id=delivery.employee_id, actor_user_id=by_user_id, origin=origin,
        content=_ref(version), occurred_at=now,
        payload={"statement": statement, "typed_name": record.typed_name, "receipt": receipt},
    )
    # Number and hash together, after the event: the record is written once more, not twice.
    store_values(record, receipt_number=receipt, event_hash=event.hash)
    acknowledged.send("notices", subject_kind="delivery", subject_id=delivery.id, by_user_id=by_user_id,
                      origin=origin)
    # Marked last, just before the commit: what the database keeps in step with the deliveries (their
    # counts by status) locks rows that every acknowledgement of the same notice shares, until the commit.
    # Through the unit of work, which tells the pages kept from deliveries that only this column changed.
    delivery.acknowledged_at = now
    return record


# --- Questions and objections ---------------------------------------------------------------------


def respond(delivery: NoticeDelivery, kind: ResponseKind, text: str, by_user_id: int, origin: Origin) -> NoticeResponse:
    """The employee asks a question about the notice or objects to it; HR sees it in Notices."""
    now = utcnow()
    response = NoticeResponse(delivery_id=delivery.id, employee_id=delivery.employee_id, kind=kind,
                              text=rules.clean_text(text), created_at=now)
    db.session.add(response)
    db.session.flush()
    append_event("notice_responded", employee_id=delivery.employee_id, actor_user_id=by_user_id, origin=origin,
                 content=_ref(delivery.version), occurred_at=now,
                 payload={"delivery": delivery.id, "response": response.id, "kind": kind.value, "text": response.text})
    return response


class AlreadyAnswered(Exception):
    """Each question or objection gets one answer; a follow-up is a new question."""


def answer_response(response: NoticeResponse, answer: str, by_user_id: int, origin: Origin) -> None:
    """HR's answer, shown to the employee on the notice page."""
    if response.answered_at is not None:
        raise AlreadyAnswered
    now = utcnow()
    response.answer = rules.clean_text(answer)
    response.answered_at = now
    response.answered_by_id = by_user_id
    append_event("notice_answered", employee_id=response.employee_id, actor_user_id=by_user_id, origin=origin,
                 content=_ref(response.delivery.version), occurred_at=now,
                 payload={"response": response.id, "answer": response.answer})


# --- Scenario notice files ------------------------------------------------------------------------


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return ([f"created notice {key}" for key in self.created]
                + [f"new version {item}" for item in self.new_versions]
                + [f"unchanged {key}" for key in self.unchanged])


def sync_scenario_notices(root: Path, origin: Origin, now: datetime | None = None,
                          change: ChangeKind = ChangeKind.MATERIAL, change_note: str = "") -> SyncReport:
    """Load ``root`` into scenario notices in one transaction; any bad file loads nothing.

    Raises :class:`portal.notices.content.NoticeErrors` naming every bad file and line.
    """
    sources = load_notices(root)  # parse everything before writing anything
    now = now or utcnow()
    report = SyncReport()
    try:
        for source in sources:
            notice = notice_by_key(source.key)
            try:
                version, created = save_notice(notice, source.title, source.body, None, origin, key=source.key, now=now,
                                               change=change, change_note=change_note)
            except EarlierText as earlier:
                raise NoticeErrors([NoticeFileError(
                    source.files["zh_CN"], None,
                    f"the text equals version {earlier.version.number}, which is not the newest; "
                    "a version is never published twice, so change the text",
                )]) from None
            if notice is None:
                report.created.append(source.key)
            elif created:
                report.new_versions.append(f"{source.key} v{version.number} ({change.value})")
            else:
                report.unchanged.append(source.key)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
