"""Reading course records for HR and managers: the status matrix, counts, one employee's trail."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from portal.auth.access import scope_filter
from portal.courses.models import Acknowledgement, Assignment, Course, CourseVersion
from portal.courses.rules import Status
from portal.evidence.models import EvidenceEvent
from portal.core.listing import order_by, paginate, sort_keys
from portal.core.paging import Page, Sort
from portal.extensions import db
from portal.org.models import Employee
from portal.org.operations import search_condition
from portal.org.rules import ContractType


def status_expression(today: date) -> sa.Case:
    """``rules.status`` in SQL, so the matrix can filter and count in the database."""
    return sa.case(
        (Assignment.acknowledged_at.is_not(None), Status.ACKNOWLEDGED.value),
        (Assignment.due_date < today, Status.OVERDUE.value),
        (Assignment.quiz_passed_at.is_not(None), Status.QUIZ_PASSED.value),
        (Assignment.first_opened_at.is_not(None), Status.IN_PROGRESS.value),
        else_=Status.NOT_STARTED.value,
    )


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
MATRIX_PAGE_SIZE = 50


@dataclass
class Matrix:
    rows: list[tuple[Assignment, Status]]
    counts: Counter[Status] = field(default_factory=Counter)
    total: int = 0
    page: Page | None = None  # None: every row (the CSV export)

    @property
    def completion_percent(self) -> int:
        return (self.counts[Status.ACKNOWLEDGED] * 100) // self.total if self.total else 0


def _visible_assignments(course: Course) -> sa.Select:
    return (
        sa.select(Assignment)
        .join(Employee, Employee.id == Assignment.employee_id)
        .where(Assignment.course_id == course.id, Assignment.is_current.is_(True))
        .where(scope_filter("course.records", Employee.id, Employee.department_id))
    )


def matrix(course: Course, criteria: MatrixFilter, today: date, paged: bool = True) -> Matrix:
    """Employees × status for one course, limited to what the user may see, a page at a time
    unless ``paged`` is off; counts ignore the status filter so the totals stay meaningful while
    filtering. Any filter gives the same few queries whatever the number of rows."""
    status = status_expression(today)
    base = _visible_assignments(course)
    filters = []
    if criteria.department_id:
        filters.append(Employee.department_id == criteria.department_id)
    if criteria.contract_type:
        filters.append(Employee.contract_type == criteria.contract_type)
    if criteria.query.strip():
        filters.append(search_condition(criteria.query))
    base = base.where(*filters)
    reach = scope_filter("course.records", Employee.id, Employee.department_id)
    people = filters if isinstance(reach, sa.sql.elements.True_) else [reach, *filters]
    # The counts read the assignments alone unless a filter needs the people: HR's unfiltered
    # matrix costs what the bare SQL aggregate costs.
    counted = (sa.select(status, sa.func.count()).select_from(Assignment)
               .where(Assignment.course_id == course.id, Assignment.is_current.is_(True)))
    if people:
        counted = counted.where(Assignment.employee_id.in_(sa.select(Employee.id).where(*people)))
    counts = Counter({Status(value): n for value, n in db.session.execute(counted.group_by(status)).all()})
    listed = base.add_columns(status).options(joinedload(Assignment.employee).joinedload(Employee.department))
    if not paged:  # the CSV reads the acknowledgement and its version per row; the page shows neither
        listed = listed.options(selectinload(Assignment.acknowledgement).joinedload(Acknowledgement.version))
    if criteria.status:
        listed = listed.where(status == criteria.status.value)
    columns = {"number": Employee.number, "name": Employee.name, "department": Employee.department_id,
               "due": Assignment.due_date, "acknowledged": Assignment.acknowledged_at}
    total = sum(counts.values())
    if paged:
        found, page = paginate(db.session, listed, criteria.page, MATRIX_PAGE_SIZE, sort_keys(criteria.sort, columns, Assignment.id),
                               criteria.at, scalars=False,
                               total=counts[criteria.status] if criteria.status else total)
    else:
        found, page = db.session.execute(order_by(listed, criteria.sort, columns, Assignment.id)).all(), None
    return Matrix(rows=[(a, Status(s)) for a, s in found], counts=counts, total=total, page=page)


@dataclass(frozen=True)
class CourseSummary:
    course: Course
    total: int
    acknowledged: int
    overdue: int


def course_summaries(today: date) -> list[CourseSummary]:
    status = status_expression(today)
    summaries = []
    for course in db.session.execute(sa.select(Course).order_by(Course.order)).scalars():
        counts = dict(db.session.execute(
            _visible_assignments(course).with_only_columns(status, sa.func.count()).group_by(status)
        ).all())
        summaries.append(CourseSummary(course, sum(counts.values()), counts.get(Status.ACKNOWLEDGED.value, 0),
                                       counts.get(Status.OVERDUE.value, 0)))
    return summaries


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
