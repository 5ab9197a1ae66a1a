"""Reading and saving employees."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from portal.auth.access import Reach, reach, scope_filter
from portal.auth.models import User
from portal.core.kept import KeptStamp, kept_under, kept_while, known_under, watch
from portal.core.listing import KnownOrder, Ordering, Walk, built, paginate, sort_keys, written, written_in
from portal.core.paging import Page, Sort
from portal.core.records import one_of
from portal.evidence.ledger import Origin
from portal.extensions import db
from portal.org.models import Department, Employee, EmployeeCount
from portal.org.rules import ContractType, EmploymentStatus
from portal.org import search as people_search
from portal.org.search import employee_search, employees_found
from portal.signals import contract_changed, employee_hired, employee_left

PAGE_SIZE = 50


_PERSON = sa.orm.aliased(Employee, name="person")  # made once: an alias costs more to make than to use


def with_person(stmt: sa.Select, employee_id: sa.ColumnElement[int]) -> sa.Select:
    """``stmt`` (which reads ``Employee`` joined on ``employee_id``) with the number, name and
    department of that employee, as the columns ``number``, ``name`` and ``department_id`` of a
    plain row.

    On SQLite the person is joined again by primary key, as a LEFT JOIN: a planner never reads it
    first, so a page walking an index of the employees keeps walking that index alone (it holds the
    id). PostgreSQL's indexes of the employees do not hold the id, so a walk reads each employee's
    row anyway: there the columns come from the employees already read, one relation fewer to plan
    on every request. The department's name comes from the kept department choices
    (``department_choices``), not from another join, for the same reason."""
    if db.session.get_bind().dialect.name != "sqlite":
        return stmt.add_columns(Employee.number.label("number"), Employee.name.label("name"),
                                Employee.department_id.label("department_id"))
    person = _PERSON
    return (stmt.outerjoin(person, person.id == employee_id)
            .add_columns(person.number.label("number"), person.name.label("name"),
                         person.department_id.label("department_id")))


@dataclass(frozen=True)
class EmployeeFilter:
    query: str = ""
    department_id: int | None = None
    status: EmploymentStatus | None = EmploymentStatus.ACTIVE
    page: int = 1
    sort: Sort = Sort("number")
    at: str = ""  # the pager's keyset cursor


EMPLOYEE_SORTS = ("number", "name", "department", "hire_date")


@dataclass(frozen=True)
class EmployeePage:
    employees: list[Any]  # plain rows: see ``visible_employees``
    page: Page

    @property
    def total(self) -> int:
        return self.page.total


def search_condition(query: str) -> sa.ColumnElement[bool]:
    """The employees ``query`` finds by name, number, phone, user name or department (see
    ``portal.org.search``), through the search index."""
    return employees_found(query)


def visible_employees(criteria: EmployeeFilter, locale: str = "zh_CN", stamps: SearchStamps | None = None) -> EmployeePage:
    """Employees the signed-in user may list (by the policy), filtered, sorted and paged:
    one COUNT and one SELECT (departments joined), whatever the number of employees. The rows are
    plain rows of what the list shows: ``id``, ``number``, ``name``, ``department`` (its name in
    ``locale``), ``contract_type``, ``hire_date``. ``stamps``: read by the caller for a search, which
    then matches the kept departments (see ``employee_search``) and keeps its count while no
    employee, account or department is written."""
    extent = reach("employee.list")

    def wanted() -> list[sa.ColumnElement[bool]]:
        wanted = [scope_filter("employee.list", Employee.id, Employee.department_id)]
        if criteria.department_id:
            wanted.append(Employee.department_id == written(criteria.department_id))
        if criteria.status:
            wanted.append(Employee.status == criteria.status)
        return wanted

    def listed() -> sa.Select:
        return (sa.select(Employee.id, Employee.number, Employee.name,
                          Department.name_column(locale).label("department"), Employee.contract_type, Employee.hire_date)
                .select_from(Employee).join(Department, Employee.department_id == Department.id).where(*wanted()))

    def ordering() -> Ordering:
        columns = {"number": Employee.number, "name": Employee.name, "department": Department.code,
                   "hire_date": Employee.hire_date}
        return sort_keys(criteria.sort, columns, Employee.id)

    # Built once per shape: everything the statements are built from (a search's values are parameters).
    shape = ("employee list", criteria.department_id, criteria.status, criteria.sort, locale, extent)
    ordered = built((shape, "ordering"), ordering)
    if not criteria.query.strip():
        rows, page = paginate(db.session, built(shape, listed), criteria.page, PAGE_SIZE, ordered, criteria.at,
                              scalars=False, total=_headcount(criteria, extent, shape), key=shape)
        return EmployeePage(rows, page)
    search = employee_search(criteria.query, stamps and stamps.departments, extent.everyone)

    counting = search.key(shape, "count")

    def count() -> int:
        statement = built(counting, lambda: sa.select(sa.func.count()).select_from(
            search.counted(sa.select(Employee.id).where(*wanted()))))  # every employee has a department: none joined
        return db.session.execute(statement, search.parameters).scalar_one()

    # Kept while no employee, account or department is written (see PEOPLE), by the query's values.
    people = stamps and (stamps.people,)
    counted = (counting, tuple(sorted(search.parameters.items())))
    seen = known_under(people, counted)
    found = seen if seen is not None else kept_under(people, counted, count)
    more = found > people_search.COUNTED_MATCHES
    # Many matches: a page walks the employees in its order, checking each (not by department: that
    # order is the departments' table's, whose rows are few and each a long run of people).
    walk = (Walk(search.walked, search.indexed, KnownOrder(lambda: listed().where(search.indexed), Employee.id, people,
                                                           eager=seen is not None))
            if more and criteria.sort.key != "department" else None)
    searched = search.key(shape, walk is not None)
    stmt = built(searched, lambda: listed() if walk else listed().where(search.indexed))
    rows, page = paginate(db.session, stmt, criteria.page, PAGE_SIZE, ordered, criteria.at, scalars=False,
                          total=min(found, people_search.COUNTED_MATCHES), more=more, walk=walk, key=searched,
                          parameters=search.parameters)
    return EmployeePage(rows, page)


def _headcount(criteria: EmployeeFilter, extent: Reach, key: Hashable) -> int:
    """How many employees the list holds without a search, in one statement: from the tally kept
    by the database (a row per department and status), with the user's own record counted live
    when the policy reaches it outside their departments."""
    def counted() -> sa.Select:
        tallied = sa.select(sa.func.coalesce(sa.func.sum(EmployeeCount.n), 0))
        own = sa.select(sa.func.count()).select_from(Employee).where(
            Employee.id == written(extent.employee_id), sa.not_(written_in(Employee.department_id, extent.department_ids)))
        if criteria.department_id:
            tallied = tallied.where(EmployeeCount.department_id == written(criteria.department_id))
            own = own.where(Employee.department_id == written(criteria.department_id))
        if criteria.status:
            tallied = tallied.where(EmployeeCount.status == criteria.status.value)
            own = own.where(Employee.status == criteria.status)
        if extent.everyone:
            return tallied
        tallied = tallied.where(written_in(EmployeeCount.department_id, extent.department_ids))
        if extent.employee_id is None:
            return tallied
        return sa.select(tallied.scalar_subquery() + own.scalar_subquery())

    return int(db.session.execute(built((key, "headcount"), counted)).scalar_one())


def visible_departments() -> list[Department]:
    """Departments whose employees the signed-in user may list."""
    stmt = sa.select(Department).order_by(Department.code)
    allowed = scope_filter("employee.list", sa.literal(-1), Department.id)
    return list(db.session.execute(stmt.where(allowed)).scalars())


DEPARTMENTS = watch("departments", {Department: None})  # the department choices of the lists' filters and forms
DEPARTMENTS_STAMP = (sa.select(KeptStamp.stamp).where(KeptStamp.name == DEPARTMENTS.name, KeptStamp.stripe == 0)
                     .scalar_subquery())  # read with a page's first statement (``stamp`` below)


# What the count of an employee search, and the order of its matches, are computed from: the
# fields searched, filtered (the matrix filters by contract type too) and sorted by, the accounts'
# names, and the departments (their names, and who is in them). Written by HR's edits, imports and
# account changes; never by acknowledgements, lessons, quizzes or sign-ins.
PEOPLE = watch("people", {Employee: ("name", "number", "phone", "status", "department_id", "contract_type", "hire_date"),
                          User: ("username", "employee_id"), Department: None})


@dataclass(frozen=True)
class SearchStamps:
    """The stamps an employee search is kept under, read in one statement."""

    departments: str
    people: str


def search_stamps() -> SearchStamps | None:
    """The departments' and the people's stamps (None while either has no row yet), read by the
    search's first statement."""
    dialect = db.session.get_bind().dialect.name
    stamps = KeptStamp.__table__.c
    statement = built(("search stamps", dialect), lambda: sa.select(stamps.stamp).where(
        one_of(stamps.name, (DEPARTMENTS.name, PEOPLE.name))).order_by(stamps.name))  # in the order of their names
    found = [row[0] for row in db.session.execute(statement)]
    return SearchStamps(*found) if len(found) == 2 else None


def department_choices(locale: str, visible_only: bool = True, stamp: str | None = None) -> tuple[tuple[int, str], ...]:
    """Departments as plain ``(id, name in locale)`` pairs by code, for a filter or a form's choice:
    those whose employees the signed-in user may list, or every one. Kept while no department is
    written: a hundred departments cost more to read than the watch's stamp, which one statement
    reads, or the caller with another (``stamp``: the value of ``DEPARTMENTS_STAMP``)."""
    reached = reach("employee.list") if visible_only else None

    def read() -> tuple[tuple[int, str], ...]:
        stmt = sa.select(Department.id, Department.name_column(locale)).order_by(Department.code)
        if visible_only:
            stmt = stmt.where(scope_filter("employee.list", sa.literal(-1), Department.id))
        return tuple((id_, name) for id_, name in db.session.execute(stmt).all())

    key = ("department choices", locale, reached)
    if stamp is None:
        return kept_while((DEPARTMENTS.name,), key, read)
    return kept_under((stamp,), ((DEPARTMENTS.name,), key), read)


def all_departments() -> list[Department]:
    return list(db.session.execute(sa.select(Department).order_by(Department.code)).scalars())


def number_taken(number: str, except_id: int | None = None) -> bool:
    stmt = sa.select(Employee.id).where(Employee.number == number)
    if except_id is not None:
        stmt = stmt.where(Employee.id != except_id)
    return db.session.execute(stmt).first() is not None


@dataclass(frozen=True)
class EmployeeData:
    number: str
    name: str
    hire_date: date
    department_id: int
    contract_type: ContractType
    email: str | None
    phone: str | None
    preferred_locale: str
    status: EmploymentStatus
    left_date: date | None


def save_employee(
    data: EmployeeData, employee: Employee | None, by_user_id: int | None, origin: Origin
) -> Employee:
    """Create or update an employee in one commit; a new hire gets their account and onboarding
    courses in it, a change of contract or a departure their consequences (``announce_changes``)."""
    employee = apply_employee(data, employee, by_user_id, origin) or employee
    db.session.commit()
    assert employee is not None
    return employee


def apply_employee(data: EmployeeData, employee: Employee | None, by_user_id: int | None,
                   origin: Origin) -> Employee | None:
    """Create or update an employee (flushed, not committed) and announce the changes; returns None
    when ``data`` equals what is stored, so a repeated upsert changes nothing."""
    if employee is not None and all(getattr(employee, f) == v for f, v in data.__dict__.items()):
        return None
    previous = None if employee is None else (employee.contract_type, employee.status)
    if employee is None:
        employee = Employee()
        db.session.add(employee)
    for field, value in data.__dict__.items():
        setattr(employee, field, value)
    db.session.flush()
    announce_changes(employee, previous, by_user_id, origin)
    return employee


def announce_changes(employee: Employee, previous: tuple[ContractType, EmploymentStatus] | None,
                     by_user_id: int | None, origin: Origin) -> None:
    """Tell the other domains what a save changed (every entry point that saves employees calls
    this): ``previous`` is the (contract, status) before the save, ``None`` for a new hire."""
    if previous is None:
        employee_hired.send(None, employee=employee, by_user_id=by_user_id, origin=origin)
        if employee.status is EmploymentStatus.LEFT:
            employee_left.send(None, employee=employee, by_user_id=by_user_id)
        return
    contract, status = previous
    if employee.contract_type is not contract:
        contract_changed.send(None, employee=employee, previous=contract, by_user_id=by_user_id, origin=origin)
    if employee.status is EmploymentStatus.LEFT and status is not EmploymentStatus.LEFT:
        employee_left.send(None, employee=employee, by_user_id=by_user_id)
