"""Reading course records for HR and managers: the status matrix, counts, one employee's trail."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa

from portal.auth.access import Reach, reach, scope_filter
from portal.courses.models import Acknowledgement, Assignment, Course, CourseStatusCount, CourseVersion
from portal.courses.rules import Status
from portal.evidence.models import EvidenceEvent
from portal.core import tallies
from portal.core.kept import stripe_stamp, watch
from portal.core.records import record_from_columns, streamed
from portal.core.listing import (KnownOrder, Ordering, ReadFirst, Walk, built, first_match, matching, paginate, routed_rows,
                                 sort_keys, without_index, written, written_in)
from portal.core.paging import Page, Sort
from portal.extensions import db
from portal.org.models import Employee
from portal.org.operations import DEPARTMENTS_STAMP, PEOPLE, with_person
from portal.org.search import Found, StateCounts, count_states, employee_search
from portal.org.rules import ContractType


def _status_branches(today: date, due: sa.ColumnElement[date] = Assignment.due_date) -> list[tuple[sa.ColumnElement[bool], str]]:
    return [
        (Assignment.acknowledged_at.is_not(None), Status.ACKNOWLEDGED.value),
        (due < today, Status.OVERDUE.value),
        (Assignment.quiz_passed_at.is_not(None), Status.QUIZ_PASSED.value),
        (Assignment.first_opened_at.is_not(None), Status.IN_PROGRESS.value),
    ]


def status_expression(today: date) -> sa.Case:
    """``rules.status`` in SQL, so the matrix can filter and count in the database."""
    return first_match(_status_branches(today), Status.NOT_STARTED.value)


def status_condition(status: Status, today: date, by_person: bool = False) -> sa.ColumnElement[bool]:
    """Rows of ``status``; ``by_person``: checked on each person's row, never searched by due date."""
    due = without_index(Assignment.due_date) if by_person else Assignment.due_date
    return matching(_status_branches(today, due), Status.NOT_STARTED.value, status.value)


@dataclass(frozen=True)
class MatrixFilter:
    query: str = ""
    department_id: int | None = None
    status: Status | None = None
    contract_type: ContractType | None = None
    page: int = 1
    sort: Sort = Sort("number")
    at: str = ""  # the pager's keyset cursor


MATRIX_SORTS = ("number", "name", "department", "due", "acknowledged")
# What the CSV export shows of each row, before its status.
EXPORTED = (Employee.number, Employee.name, Employee.department_id, Employee.contract_type, Assignment.assigned_at,
            Assignment.due_date, Assignment.first_opened_at, Assignment.quiz_passed_at, Assignment.acknowledged_at,
            CourseVersion.locale, CourseVersion.number.label("version_number"), Acknowledgement.content_sha256,
            Acknowledgement.receipt_number)
PERSON_SORTS = ("number", "name", "department")  # columns of the employee: one assignment per person
NULLS_LOW = ("acknowledged",)  # not yet acknowledged first ascending, last descending: one index, both ways
MATRIX_PAGE_SIZE = 50

# Who is in a course's matrix, not how far each has got: a search found to match more of them than
# it counts is known to until an assignment is added or ends, or the people change (``count_states``).
COURSE_MEMBERS = watch("course members", {Assignment: ("course_id", "employee_id", "is_current")})
MEMBERS = (PEOPLE.name, COURSE_MEMBERS.name)


@dataclass
class Matrix:
    rows: Iterable[Any]  # a page's plain rows, or every row's exported columns as read: see ``matrix``
    counts: Counter[Status] = field(default_factory=Counter)
    total: int = 0
    page: Page | None = None  # None: every row (the CSV export)
    more: bool = False  # a search matching more rows than it counts: ``counts`` and ``total`` are not known

    @property
    def completion_percent(self) -> int:
        return (self.counts[Status.ACKNOWLEDGED] * 100) // self.total if self.total else 0


def _visible_assignments(course: Course, by_person: bool | None = None) -> sa.Select:
    """The course's current assignments the user may see, read in the order of an index (see
    ``ReadFirst``): ``by_person``, on employees, for a page sorted by a column of the people;
    ``False``, on the assignments, for one sorted by theirs; ``None`` (counting), as planned."""
    course_id = Assignment.course_id
    if by_person is None:
        joined = sa.join(Employee.__table__, Assignment.__table__, Employee.id == Assignment.employee_id)
    elif by_person:  # each person's assignment found by employee, the course only checked
        joined = ReadFirst(Employee.__table__, Assignment.__table__, Employee.id == Assignment.employee_id)
        course_id = without_index(Assignment.course_id)
    else:
        joined = ReadFirst(Assignment.__table__, Employee.__table__, Employee.id == Assignment.employee_id)
    return (
        sa.select(Assignment)
        .select_from(joined)
        .where(course_id == written(course.id), Assignment.is_current.is_(True))
        .where(scope_filter("course.records", Employee.id, Employee.department_id))
    )


def _person_filters(criteria: MatrixFilter) -> list[sa.ColumnElement[bool]]:
    filters = []
    if criteria.department_id:
        filters.append(Employee.department_id == written(criteria.department_id))
    if criteria.contract_type:
        filters.append(Employee.contract_type == criteria.contract_type)
    return filters


def _counts_shape(criteria: MatrixFilter, today: date) -> tuple[Any, ...] | None:
    """Everything the matrix's counts statement is built from; None for a search, whose counts the
    tally cannot tell apart (``_searched_counts``)."""
    if criteria.query.strip():
        return None
    return ("course matrix counts", criteria.department_id, criteria.contract_type, today, reach("course.records"))


def _counts_column(criteria: MatrixFilter, today: date, shape: tuple[Any, ...]) -> sa.ScalarSelect:
    """The matrix's counts by status as a column of a statement reading the course (correlated on
    it: see ``tallies.counts_column``), from the tally kept by the database (a few rows per
    department); the user's own row, when the policy reaches it outside their departments, is
    counted live. Built once per ``shape``."""
    def build() -> sa.ScalarSelect:
        tallied = [CourseStatusCount.course_id == Course.id]
        if criteria.department_id:
            tallied.append(CourseStatusCount.department_id == written(criteria.department_id))
        if criteria.contract_type:
            tallied.append(CourseStatusCount.contract_type == criteria.contract_type.value)
        live = [Assignment.course_id == Course.id, *_person_filters(criteria)]
        return tallies.counts_column(_tallied_statement(today, shape[-1], tallied, live, within=Course))

    return built(shape, build)


class MatrixSource(NamedTuple):
    """What a matrix page reads in its first statement (``course_for_matrix``)."""

    course: Course
    departments_stamp: str | None  # ``DEPARTMENTS_STAMP``
    counted: dict[str, int] | None  # the counts by state; None for a search
    members: tuple[str | None, ...] | None  # a search's: the stamps of who is in the matrix (see ``count_states``)


def course_for_matrix(slug: str, criteria: MatrixFilter, today: date) -> MatrixSource | None:
    """The course ``slug`` with the departments' stamp and the matrix's counts by state, or for a
    search the stamps of its members, in one statement; None when there is no such course.
    The course is made a record from its columns (``record_from_columns``): the ORM's loading of
    one row cost as much as the statement."""
    shape = _counts_shape(criteria, today)
    columns = Course.__table__.columns
    found = routed_rows(db.session, built((shape, "with the course"), lambda: sa.select(
        *columns, DEPARTMENTS_STAMP,
        *([_counts_column(criteria, today, shape)] if shape else (stripe_stamp(name, 0) for name in MEMBERS))
    ).where(columns.slug == sa.bindparam("slug"))), {"slug": slug}).first()
    if found is None:
        return None
    width = len(columns)
    course = record_from_columns(Course, found[:width])
    if shape is None:
        return MatrixSource(course, found[width], None, tuple(found[width + 1:width + 1 + len(MEMBERS)]))
    return MatrixSource(course, found[width], tallies.counts_in(found[width + 1]), None)


def _counts(course: Course, criteria: MatrixFilter, today: date, search: Found | None,
            members: tuple[str | None, ...] | None) -> StateCounts:
    """The matrix's counts by status in one statement (``_counts_column``), or a search's (see
    ``count_states``; ``members``: the stamps ``course_for_matrix`` read)."""
    shape = _counts_shape(criteria, today)
    if search or shape is None:
        extent = reach("course.records")
        return _searched_counts(course, lambda: _person_filters(criteria) if extent.everyone else [
            scope_filter("course.records", Employee.id, Employee.department_id), *_person_filters(criteria)], criteria,
            today, search, members)
    statement = built((shape, "alone"), lambda: sa.select(_counts_column(criteria, today, shape))
                      .where(Course.id == sa.bindparam("course_id")))
    return StateCounts(tallies.counts_in(db.session.execute(statement, {"course_id": course.id}).scalar()),
                       more=False, filtered=None)


def _searched_counts(course: Course, people: Callable[[], list[sa.ColumnElement[bool]]], criteria: MatrixFilter,
                     today: date, search: Found, members: tuple[str | None, ...] | None) -> StateCounts:
    """The counts of a search (see ``count_states``): the course's current assignments of the people found.

    SQLite, left to its statistics (or without any), read every assignment of the course and looked
    each person up in the search index (315 ms at 100,000 employees, against 1 ms)."""
    def rows() -> sa.Select:  # each person's assignment found by employee, the course only checked: the people found lead
        return (sa.select(status_expression(today).label("state")).select_from(Employee)
                .join(Assignment, sa.and_(Assignment.employee_id == Employee.id,
                                          without_index(Assignment.course_id) == written(course.id),
                                          without_index(Assignment.is_current).is_(True)))
                .where(*people()))

    key = ("course matrix search counts", course.id, criteria.department_id, criteria.contract_type, criteria.status,
           today, reach("course.records"))
    return count_states(search, rows, (lambda: status_condition(criteria.status, today)) if criteria.status else None,
                        key, members)


def _tallied_counts(today: date, extent: Reach, key: Hashable) -> defaultdict[int, Counter[Status]]:
    """Every course's counts by status in one statement (see ``_tallied_statement``); ``key`` names
    everything the statement is built from (``portal.core.listing.built``)."""
    counts: defaultdict[int, Counter[Status]] = defaultdict(Counter)
    for course_id, value, n in db.session.execute(built(key, lambda: _tallied_statement(today, extent, [], []))).all():
        counts[course_id][Status(value)] += int(n)
    return counts


def _tallied_statement(today: date, extent: Reach, tallied: list[sa.ColumnElement[bool]],
                       live: list[sa.ColumnElement[bool]], within: Any = None) -> sa.Select | sa.CompoundSelect:
    """Counts by course and status: the tally's rows matching ``tallied`` in the user's departments,
    and the user's own current assignments matching ``live`` when the policy reaches them outside
    those departments (counted live: one person). Columns ``course_id``, ``state``, ``n``; ``within``: the enclosing statement's table the
    conditions refer to (each part correlated on it)."""
    tally = CourseStatusCount
    status = sa.case((tally.state == Status.ACKNOWLEDGED.value, tally.state),
                     (tally.due_date < today, Status.OVERDUE.value), else_=tally.state)
    counted = sa.select(tally.course_id, status.label("state"), sa.func.sum(tally.n).label("n")).where(*tallied)
    if not extent.everyone:
        counted = counted.where(written_in(tally.department_id, extent.department_ids))
    parts = [counted.group_by(tally.course_id, status)]
    if not extent.everyone and extent.employee_id is not None:
        live_status = status_expression(today)
        parts.append(sa.select(Assignment.course_id, live_status, sa.func.count()).select_from(Assignment)
                     .join(Employee, Employee.id == Assignment.employee_id)
                     .where(Assignment.is_current.is_(True), *live, Assignment.employee_id == written(extent.employee_id),
                            sa.not_(written_in(Employee.department_id, extent.department_ids)))
                     .group_by(Assignment.course_id, live_status))
    if within is not None:
        parts = [part.correlate(within) for part in parts]
    return sa.union_all(*parts) if len(parts) > 1 else parts[0]


def matrix(course: Course, criteria: MatrixFilter, today: date, paged: bool = True,
           counted: dict[str, int] | None = None, departments_stamp: str | None = None,
           members: tuple[str | None, ...] | None = None) -> Matrix:
    """Employees × status for one course, limited to what the user may see, a page at a time
    unless ``paged`` is off; counts ignore the status filter so the totals stay meaningful while
    filtering. Any filter gives the same few queries whatever the number of rows (a search's page
    walked in the people's order takes one more when its walk comes up short: see ``Walk``).

    A page's rows are plain rows (``id``, ``employee_id``, ``number``, ``name``, ``department_id``,
    ``state``, ``due_date``, ``acknowledged_at``); unpaged (the CSV), every row's ``EXPORTED``
    columns and its ``state``, read a batch at a time as they are used.

    ``counted``: the counts by state read with the course (``course_for_matrix``); None: read here.
    ``departments_stamp``: the departments' watch stamp the caller read, for a search (see
    ``employee_search``); ``members``: the stamps of who is in the matrix, for a search (see
    ``count_states``)."""
    by_person = criteria.sort.key in PERSON_SORTS
    search = (employee_search(criteria.query, departments_stamp, reach("course.records").everyone)
              if criteria.query.strip() else None)
    state_counts = (StateCounts(counted, more=False, filtered=None) if counted is not None and not search
                    else _counts(course, criteria, today, search, members))
    counts = Counter({Status(state): n for state, n in state_counts.by_state.items()})
    shown, more = state_counts.page_total(criteria.status.value if criteria.status else None)
    total, _ = state_counts.page_total(None)
    # Many matches: a page in the people's order walks them, checking each (see employee_search).
    walk = (Walk(search.walked, search.indexed, KnownOrder(
        lambda: _visible_assignments(course, by_person).where(*_person_filters(criteria), search.indexed), Employee.id,
        members, eager=state_counts.seen)) if search and more and paged and by_person else None)

    def listed() -> sa.Select:
        status = status_expression(today)
        base = _visible_assignments(course, by_person).where(*_person_filters(criteria))
        if search and not walk:
            base = base.where(search.indexed)
        if paged:  # plain rows of the columns the page shows, no objects
            listed = with_person(base.with_only_columns(Assignment.id, Assignment.employee_id, status.label("state"),
                                                        Assignment.due_date, Assignment.acknowledged_at),
                                 Assignment.employee_id)
        else:  # the CSV: every column it shows, as plain rows (see ``matrix``)
            listed = (base.outerjoin(Acknowledgement, Acknowledgement.assignment_id == Assignment.id)
                      .outerjoin(CourseVersion, CourseVersion.id == Acknowledgement.version_id)
                      .with_only_columns(*EXPORTED, status.label("state")))
        if criteria.status:
            listed = listed.where(status_condition(criteria.status, today, by_person))
        return listed

    def ordering() -> Ordering:
        columns = {"number": Employee.number, "name": Employee.name, "department": Employee.department_id,
                   "due": Assignment.due_date, "acknowledged": Assignment.acknowledged_at}
        return sort_keys(criteria.sort, columns, Employee.id if by_person else Assignment.id, NULLS_LOW)

    if not paged:
        return Matrix(rows=streamed(listed().order_by(*ordering().clauses()), search.parameters if search else None),
                      counts=counts, total=total, more=state_counts.more)
    # Built once per shape: everything the statements are built from (a search's values are parameters).
    shape = ("course matrix", course.id, criteria.department_id, criteria.contract_type, criteria.status,
             criteria.sort, today, reach("course.records"))
    listing = search.key(shape, walk is not None) if search else shape
    found, page = paginate(db.session, built(listing, listed), criteria.page, MATRIX_PAGE_SIZE,
                           built((shape, "ordering"), ordering), criteria.at, scalars=False,
                           total=shown, more=more, walk=walk, key=listing,
                           parameters=search.parameters if search else None)
    return Matrix(rows=found, counts=counts, total=total, page=page, more=state_counts.more)


@dataclass(frozen=True)
class CourseSummary:
    course: Course
    total: int
    acknowledged: int
    overdue: int


def course_summaries(today: date) -> list[CourseSummary]:
    """Every course with what the user may see of it: two statements whatever the number of courses."""
    extent = reach("course.records")
    counts = _tallied_counts(today, extent, ("course summaries", today, extent))
    return [CourseSummary(course, sum(counts[course.id].values()), counts[course.id][Status.ACKNOWLEDGED],
                          counts[course.id][Status.OVERDUE])
            for course in db.session.execute(sa.select(Course).order_by(Course.order)).scalars()]


def trail(course: Course, employee: Employee) -> list[EvidenceEvent]:
    """Every ledger event about this course and employee, oldest first."""
    return list(db.session.execute(
        sa.select(EvidenceEvent)
        .where(EvidenceEvent.employee_id == employee.id, EvidenceEvent.content_ref == f"course:{course.slug}")
        .order_by(EvidenceEvent.seq)
    ).scalars())


def acknowledgements_of(course: Course, employee: Employee) -> list[Acknowledgement]:
    return list(db.session.execute(
        sa.select(Acknowledgement).join(Assignment).join(CourseVersion, CourseVersion.id == Acknowledgement.version_id)
        .where(Assignment.course_id == course.id, Acknowledgement.employee_id == employee.id)
        .order_by(Acknowledgement.acknowledged_at)
    ).scalars())
