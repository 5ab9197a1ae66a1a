"""Reading notice records for HR: summaries, the deliveries × status table, questions and objections."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.core.listing import Ordering, ReadFirst, built, first_match, matching, paginate, sort_keys, without_index
from portal.core.paging import Page, Sort
from portal.extensions import db
from portal.notices.models import Notice, NoticeAcknowledgement, NoticeDelivery, NoticeResponse, NoticeStatusCount, NoticeVersion
from portal.notices.rules import Status
from portal.org.models import Employee
from portal.org.operations import search_condition, with_person


def _status_branches(today: date) -> list[tuple[sa.ColumnElement[bool], str]]:
    return [
        (NoticeDelivery.acknowledged_at.is_not(None), Status.ACKNOWLEDGED.value),
        (NoticeDelivery.due_date < today, Status.OVERDUE.value),
        (NoticeDelivery.first_opened_at.is_not(None), Status.READ.value),
    ]


def status_expression(today: date) -> sa.Case:
    """``rules.status`` in SQL, so the table can filter and count in the database."""
    return first_match(_status_branches(today), Status.UNREAD.value)


@dataclass(frozen=True)
class NoticeSummary:
    notice: Notice
    counts: Counter[Status]
    open_responses: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def notice_summaries(today: date) -> list[NoticeSummary]:
    """Every notice, newest first, with its deliveries by status and its unanswered responses."""
    counts: dict[int, Counter[Status]] = {}
    for notice_id, value, n in db.session.execute(_tallied_counts(today)):
        counts.setdefault(notice_id, Counter())[Status(value)] += int(n)
    open_responses = dict(db.session.execute(
        sa.select(NoticeVersion.notice_id, sa.func.count()).select_from(NoticeResponse)
        .join(NoticeResponse.delivery).join(NoticeDelivery.version)
        .where(NoticeResponse.answered_at.is_(None)).group_by(NoticeVersion.notice_id)
    ).all())
    notices = db.session.execute(
        sa.select(Notice).options(joinedload(Notice.versions)).order_by(Notice.id.desc())
    ).unique().scalars()
    return [NoticeSummary(n, counts.get(n.id, Counter()), open_responses.get(n.id, 0)) for n in notices]


@dataclass(frozen=True)
class DeliveryFilter:
    query: str = ""
    department_id: int | None = None
    status: Status | None = None
    page: int = 1
    sort: Sort = Sort("number")
    at: str = ""  # the pager's keyset cursor


DELIVERY_SORTS = ("number", "name", "department", "due", "opened")
PERSON_SORTS = ("number", "name", "department")
NULLS_LOW = ("opened",)  # not yet opened first ascending, last descending: one index, both ways
DELIVERIES_PER_PAGE = 50


@dataclass
class DeliveryTable:
    rows: list[Any]  # plain rows: see ``deliveries``
    counts: Counter[Status] = field(default_factory=Counter)
    page: Page = field(default_factory=lambda: Page(1, DELIVERIES_PER_PAGE, 0))
    version_numbers: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _counts(notice: Notice, base: Callable[[], sa.Select], criteria: DeliveryFilter, today: date,
            key: Hashable | None) -> Counter[Status]:
    """Deliveries by status in one statement: from the tally kept by the database (a few rows per
    department), or over the matching deliveries when the search box asks for people."""
    def counted() -> sa.Select:
        if criteria.query.strip():
            status = status_expression(today)
            return base().with_only_columns(status, sa.func.count()).group_by(status)
        counted = _tallied_counts(today).where(NoticeStatusCount.notice_id == notice.id)
        if criteria.department_id:
            counted = counted.where(NoticeStatusCount.department_id == criteria.department_id)
        return counted

    rows = db.session.execute(built(key and (key, "counts"), counted)).all()
    return Counter({Status(value): int(n) for *_, value, n in rows})


def _tallied_counts(today: date) -> sa.Select:
    """Deliveries by notice and status from the tally the database keeps (``overdue``: the
    unacknowledged ones due before ``today``); the caller filters it."""
    tally = NoticeStatusCount
    status = sa.case((tally.state == Status.ACKNOWLEDGED.value, tally.state),
                     (tally.due_date < today, Status.OVERDUE.value), else_=tally.state)
    return sa.select(tally.notice_id, status, sa.func.sum(tally.n)).group_by(tally.notice_id, status)


def deliveries(notice: Notice, criteria: DeliveryFilter, today: date, locale: str = "zh_CN") -> DeliveryTable:
    """Deliveries of every version of ``notice`` × status, a page at a time; counts ignore the status
    filter so the totals stay meaningful while filtering, and give the page's total. Two queries
    whatever the number of rows or the page; the rows are plain rows of what the table shows
    (``employee_id``, ``number``, ``name``, ``department`` in ``locale``, ``version_id``, ``state``,
    ``due_date``, ``first_opened_at``, ``receipt_number``)."""
    # Sorted by a column of the people, the page is read in the order of an index on employees and
    # each person's deliveries found by employee, the version only checked. The notice's versions
    # are few and already loaded: naming them saves PostgreSQL planning a join.
    by_person = criteria.sort.key in PERSON_SORTS
    versions = tuple(version.id for version in notice.versions)

    def base() -> sa.Select:
        version_id = without_index(NoticeDelivery.version_id) if by_person else NoticeDelivery.version_id
        base = (
            sa.select(NoticeDelivery)
            .select_from(ReadFirst(Employee.__table__, NoticeDelivery.__table__, Employee.id == NoticeDelivery.employee_id)
                         if by_person else  # otherwise in the order of the deliveries' index, people found by id
                         ReadFirst(NoticeDelivery.__table__, Employee.__table__, Employee.id == NoticeDelivery.employee_id))
            .where(version_id.in_(versions))
        )
        if criteria.department_id:
            base = base.where(Employee.department_id == criteria.department_id)
        if criteria.query.strip():
            base = base.where(search_condition(criteria.query))
        return base

    def listed() -> sa.Select:
        status = status_expression(today)
        listed = with_person(
            base().with_only_columns(NoticeDelivery.id, NoticeDelivery.employee_id, NoticeDelivery.version_id,
                                     status.label("state"), NoticeDelivery.due_date, NoticeDelivery.first_opened_at,
                                     NoticeAcknowledgement.receipt_number)
            .outerjoin(NoticeAcknowledgement, NoticeAcknowledgement.delivery_id == NoticeDelivery.id),
            NoticeDelivery.employee_id, locale)
        if criteria.status:
            listed = listed.where(matching(_status_branches(today), Status.UNREAD.value, criteria.status.value))
        return listed

    def ordering() -> Ordering:
        columns = {"number": Employee.number, "name": Employee.name, "department": Employee.department_id,
                   "due": NoticeDelivery.due_date, "opened": NoticeDelivery.first_opened_at}
        return sort_keys(criteria.sort, columns, NoticeDelivery.id, NULLS_LOW)

    # Built once per shape: everything the statements are built from, unless the search box is used.
    shape = None if criteria.query.strip() else (
        "notice deliveries", notice.id, versions, criteria.department_id, criteria.status, criteria.sort, today, locale)
    counts = _counts(notice, base, criteria, today, shape)
    rows, page = paginate(db.session, built(shape, listed), criteria.page, DELIVERIES_PER_PAGE,
                          built(shape and (shape, "ordering"), ordering), criteria.at, scalars=False,
                          total=counts[criteria.status] if criteria.status else sum(counts.values()), key=shape)
    return DeliveryTable(rows=rows, counts=counts, page=page,
                         version_numbers={version.id: version.number for version in notice.versions})


def responses(*, answered: bool) -> list[NoticeResponse]:
    """Questions and objections, open or answered, newest first."""
    done = NoticeResponse.answered_at.is_not(None) if answered else NoticeResponse.answered_at.is_(None)
    return list(db.session.execute(
        sa.select(NoticeResponse).where(done)
        .options(joinedload(NoticeResponse.employee), joinedload(NoticeResponse.delivery)
                 .joinedload(NoticeDelivery.version).joinedload(NoticeVersion.notice))
        .order_by(NoticeResponse.created_at.desc(), NoticeResponse.id.desc())
    ).scalars())
