"""Reading notice records for HR: summaries, the deliveries × status table, questions and objections."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from portal.core import tallies
from portal.core.kept import stripe_stamp, watch
from portal.core.records import record_from_columns
from portal.core.listing import (KnownOrder, Ordering, ReadFirst, Walk, built, first_match, matching, paginate, routed_rows, sort_keys,
                                 without_index, written, written_in)
from portal.core.paging import Page, Sort
from portal.extensions import db
from portal.notices.models import Notice, NoticeAcknowledgement, NoticeDelivery, NoticeResponse, NoticeStatusCount, NoticeVersion
from portal.notices.rules import Status
from portal.org.models import Employee
from portal.org.operations import DEPARTMENTS_STAMP, PEOPLE, with_person
from portal.org import search as people_search
from portal.org.search import Found, StateCounts, count_states, employee_search


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
    more: bool = False  # a search matching more deliveries than it counts: ``counts`` are not known

    @property
    def total(self) -> int:
        """Every delivery listed (with ``more``: the number a search counts, which more exceed)."""
        return people_search.COUNTED_MATCHES if self.more else sum(self.counts.values())


def _counts_shape(criteria: DeliveryFilter, today: date) -> tuple[Any, ...] | None:
    """Everything the deliveries' counts statement is built from; None for a search, whose counts
    the tally cannot tell apart."""
    return None if criteria.query.strip() else ("notice deliveries counts", criteria.department_id, today)


def _counts_column(criteria: DeliveryFilter, today: date, shape: tuple[Any, ...]) -> sa.ScalarSelect:
    """Deliveries by status as a column of a statement reading the notice (correlated on it: see
    ``tallies.counts_column``), from the tally kept by the database (a few rows per department).
    Built once per ``shape``."""
    def build() -> sa.ScalarSelect:
        counted = _tallied_counts(today).where(NoticeStatusCount.notice_id == Notice.id)
        if criteria.department_id:
            counted = counted.where(NoticeStatusCount.department_id == written(criteria.department_id))
        return tallies.counts_column(counted.correlate(Notice))

    return built(shape, build)


# Who a notice's deliveries table lists, not how far each has got: a search found to match more of
# them than it counts is known to until a delivery is added or moved, or the people change (``count_states``).
NOTICE_RECIPIENTS = watch("notice recipients", {NoticeDelivery: ("version_id", "employee_id")})
RECIPIENTS = (PEOPLE.name, NOTICE_RECIPIENTS.name)


class DeliveriesSource(NamedTuple):
    """What a deliveries page reads in its first statement (``notice_for_deliveries``)."""

    notice: Notice
    departments_stamp: str | None  # ``DEPARTMENTS_STAMP``
    counted: dict[str, int] | None  # the counts by state; None for a search
    members: tuple[str | None, ...] | None  # a search's: the stamps of who is listed (see ``count_states``)


def notice_for_deliveries(notice_id: int, criteria: DeliveryFilter, today: date) -> DeliveriesSource | None:
    """The notice with its versions, the departments' stamp and its deliveries' counts by state, or
    for a search the stamps of who is listed, in one statement (a row per version); None when there
    is none. The notice and its versions are made records from their columns
    (``record_from_columns``): the ORM's joined loading cost as much as the statement."""
    shape = _counts_shape(criteria, today)
    notices, versions = Notice.__table__.columns, NoticeVersion.__table__.columns
    def read() -> list[sa.ColumnElement[Any]]:
        if shape:
            return [_counts_column(criteria, today, shape), *(sa.literal(None),) * len(RECIPIENTS)]
        return [sa.literal(None), *(stripe_stamp(name, 0) for name in RECIPIENTS)]

    rows = routed_rows(db.session, built((shape, "with the notice"), lambda: sa.select(
        *notices, DEPARTMENTS_STAMP, *read(), *versions,
    ).outerjoin_from(Notice.__table__, NoticeVersion.__table__, versions.notice_id == notices.id)
        .where(notices.id == sa.bindparam("notice_id")).order_by(versions.number)), {"notice_id": notice_id}).all()
    if not rows:
        return None
    width = len(notices)
    first = width + 2 + len(RECIPIENTS)  # the version's first column
    notice = record_from_columns(Notice, rows[0][:width])
    if "versions" not in notice.__dict__:  # unless the session held the notice already
        set_committed_value(notice, "versions", [
            record_from_columns(NoticeVersion, row[first:first + len(versions)], notice=notice)
            for row in rows if row[first] is not None])
    if shape is None:
        return DeliveriesSource(notice, rows[0][width], None, tuple(rows[0][width + 2:first]))
    return DeliveriesSource(notice, rows[0][width], tallies.counts_in(rows[0][width + 1]), None)


def _counts(notice: Notice, criteria: DeliveryFilter, today: date, search: Found | None,
            key: Hashable, members: tuple[str | None, ...] | None) -> StateCounts:
    """Deliveries by status in one statement: from the tally (``_counts_column``), or, when the
    search box asks for people, over the deliveries of the people found as far as a search counts
    (see ``count_states``; ``key`` names what its statements are built from, ``members`` are the
    stamps ``notice_for_deliveries`` read)."""
    shape = _counts_shape(criteria, today)
    if search or shape is None:
        def rows() -> sa.Select:
            rows = (sa.select(status_expression(today).label("state")).select_from(Employee)
                    .join(NoticeDelivery, sa.and_(NoticeDelivery.employee_id == Employee.id,  # found by employee
                                                  written_in(without_index(NoticeDelivery.version_id), [v.id for v in notice.versions]))))
            if criteria.department_id:
                rows = rows.where(Employee.department_id == written(criteria.department_id))
            return rows

        def filtered() -> sa.ColumnElement[bool]:
            return matching(_status_branches(today), Status.UNREAD.value, criteria.status.value)

        return count_states(search, rows, filtered if criteria.status else None, (key, "counts"), members)
    statement = built((shape, "alone"), lambda: sa.select(_counts_column(criteria, today, shape))
                      .where(Notice.id == sa.bindparam("notice_id")))
    return StateCounts(tallies.counts_in(db.session.execute(statement, {"notice_id": notice.id}).scalar()),
                       more=False, filtered=None)


def _tallied_counts(today: date) -> sa.Select:
    """Deliveries by notice and status from the tally the database keeps (``overdue``: the
    unacknowledged ones due before ``today``); the caller filters it."""
    tally = NoticeStatusCount
    status = sa.case((tally.state == Status.ACKNOWLEDGED.value, tally.state),
                     (tally.due_date < today, Status.OVERDUE.value), else_=tally.state)
    return sa.select(tally.notice_id, status.label("state"), sa.func.sum(tally.n).label("n")).group_by(tally.notice_id, status)


def deliveries(notice: Notice, criteria: DeliveryFilter, today: date, counted: dict[str, int] | None = None,
               departments_stamp: str | None = None, members: tuple[str | None, ...] | None = None) -> DeliveryTable:
    """Deliveries of every version of ``notice`` × status, a page at a time; counts ignore the status
    filter so the totals stay meaningful while filtering, and give the page's total (a search's up to
    ``COUNTED_MATCHES``). Two queries whatever the number of rows or the page (a search's page walked
    in the people's order one more when its walk comes up short: see ``Walk``); the rows are plain
    rows of what the table shows
    (``employee_id``, ``number``, ``name``, ``department_id``, ``version_id``, ``state``,
    ``due_date``, ``first_opened_at``, ``receipt_number``). ``counted``: the counts by state read
    with the notice (``notice_for_deliveries``); None: read here. ``departments_stamp``: the
    departments' watch stamp the caller read, for a search (see ``employee_search``); ``members``:
    the stamps of who is listed, for a search (see ``count_states``)."""
    # Sorted by a column of the people, the page is read in the order of an index on employees and
    # each person's deliveries found by employee, the version only checked. The notice's versions
    # are few and already loaded: naming them saves PostgreSQL planning a join.
    by_person = criteria.sort.key in PERSON_SORTS
    versions = tuple(version.id for version in notice.versions)
    search = employee_search(criteria.query, departments_stamp) if criteria.query.strip() else None
    # Built once per shape: everything the statements are built from (a search's values are parameters).
    shape = ("notice deliveries", notice.id, versions, criteria.department_id, criteria.status, criteria.sort, today)
    state_counts = (StateCounts(counted, more=False, filtered=None) if counted is not None and not search
                    else _counts(notice, criteria, today, search, shape, members))
    counts = Counter({Status(state): n for state, n in state_counts.by_state.items()})
    shown, more = state_counts.page_total(criteria.status.value if criteria.status else None)
    # Many matches: a page in the people's order walks them, checking each (see employee_search).

    def delivered() -> sa.Select:
        """The notice's deliveries in the department filtered, whatever their states."""
        version_id = without_index(NoticeDelivery.version_id) if by_person else NoticeDelivery.version_id
        base = (
            sa.select(NoticeDelivery)
            .select_from(ReadFirst(Employee.__table__, NoticeDelivery.__table__, Employee.id == NoticeDelivery.employee_id)
                         if by_person else  # otherwise in the order of the deliveries' index, people found by id
                         ReadFirst(NoticeDelivery.__table__, Employee.__table__, Employee.id == NoticeDelivery.employee_id))
            .where(written_in(version_id, versions))
        )
        if criteria.department_id:
            base = base.where(Employee.department_id == written(criteria.department_id))
        return base

    walk = (Walk(search.walked, search.indexed, KnownOrder(lambda: delivered().where(search.indexed), Employee.id, members,
                                                           eager=state_counts.seen))
            if search and more and by_person else None)

    def listed() -> sa.Select:
        base = delivered()
        if search and not walk:
            base = base.where(search.indexed)
        status = status_expression(today)
        # The receipt number as a subquery, not a join: one relation fewer for PostgreSQL to plan.
        receipt = (sa.select(NoticeAcknowledgement.receipt_number)
                   .where(NoticeAcknowledgement.delivery_id == NoticeDelivery.id).correlate(NoticeDelivery))
        listed = with_person(
            base.with_only_columns(NoticeDelivery.id, NoticeDelivery.employee_id, NoticeDelivery.version_id,
                                   status.label("state"), NoticeDelivery.due_date, NoticeDelivery.first_opened_at,
                                   receipt.scalar_subquery().label("receipt_number")),
            NoticeDelivery.employee_id)
        if criteria.status:
            listed = listed.where(matching(_status_branches(today), Status.UNREAD.value, criteria.status.value))
        return listed

    def ordering() -> Ordering:
        columns = {"number": Employee.number, "name": Employee.name, "department": Employee.department_id,
                   "due": NoticeDelivery.due_date, "opened": NoticeDelivery.first_opened_at}
        return sort_keys(criteria.sort, columns, NoticeDelivery.id, NULLS_LOW)

    listing = search.key(shape, walk is not None) if search else shape
    rows, page = paginate(db.session, built(listing, listed), criteria.page, DELIVERIES_PER_PAGE,
                          built((shape, "ordering"), ordering), criteria.at, scalars=False,
                          total=shown, more=more, walk=walk, key=listing,
                          parameters=search.parameters if search else None)
    return DeliveryTable(rows=rows, counts=counts, page=page, more=state_counts.more,
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
