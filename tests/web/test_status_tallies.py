"""The status tallies the HR lists count from equal the live aggregates after any sequence of the
portal's own writes: hiring, importing, moving and changing contracts, leaving, assigning,
reading, passing quizzes, acknowledging, renewing, pushing notices, reading and acknowledging
them, and bulk SQL that bypasses the ORM; and the counts the lists and their index pages show
equal the statuses the rules give each row, on any day."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_login import login_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.core.tallies import REGISTERED
from portal.core.types import utcnow
from portal.courses import records as course_records
from portal.courses import rules as course_rules
from portal.courses.models import Assignment, Course, CourseStatusCount
from portal.courses.operations import (assign, current_version, mark_lesson_read, open_lesson, renew_assignment,
                                      submit_quiz)
from portal.courses.presenters import questions_of
from portal.courses.rules import AssignmentReason
from portal.demo.operations import walk_through_course
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.notices import records as notice_records
from portal.notices import rules as notice_rules
from portal.notices.models import Notice, NoticeDelivery, NoticeStatusCount
from portal.notices.operations import acknowledge_notice, open_notice, push_notice, save_notice
from portal.org import operations as org
from portal.org.models import Employee, EmployeeCount
from portal.org.rules import ContractType, EmploymentStatus
from portal.workbench import importing
from portal.workbench import operations as workbench

NEVER = date(9999, 12, 31)
TODAY = date(2026, 11, 30)
CONTRACTS = list(ContractType)


def _course_rows() -> Counter:
    found: Counter = Counter()
    for a, e in db.session.execute(sa.select(Assignment, Employee).join(Employee, Employee.id == Assignment.employee_id)
                                   .where(Assignment.is_current.is_(True))).all():
        state = ("acknowledged" if a.acknowledged_at else "quiz_passed" if a.quiz_passed_at
                 else "in_progress" if a.first_opened_at else "not_started")
        found[(a.course_id, e.department_id, e.contract_type.value, state, NEVER if a.acknowledged_at else a.due_date)] += 1
    return found


def _notice_rows() -> Counter:
    found: Counter = Counter()
    for d, e in db.session.execute(sa.select(NoticeDelivery, Employee)
                                   .join(Employee, Employee.id == NoticeDelivery.employee_id)).all():
        state = "acknowledged" if d.acknowledged_at else "read" if d.first_opened_at else "unread"
        found[(d.version.notice_id, e.department_id, state, NEVER if d.acknowledged_at else d.due_date)] += 1
    return found


def _tallied(model: type, *keys: str) -> Counter:
    return Counter({tuple(getattr(row, k) for k in keys): row.n for row in db.session.execute(sa.select(model)).scalars()})


def assert_tallies_are_live() -> None:
    db.session.expire_all()
    assert _tallied(CourseStatusCount, "course_id", "department_id", "contract_type", "state", "due_date") == _course_rows()
    assert _tallied(NoticeStatusCount, "notice_id", "department_id", "state", "due_date") == _notice_rows()
    headcount = Counter((e.department_id, e.status.value) for e in db.session.execute(sa.select(Employee)).scalars())
    assert _tallied(EmployeeCount, "department_id", "status") == headcount


def assert_list_counts_follow_the_rules(world, course: Course, notice: Notice) -> None:
    """The counts the matrix, the deliveries table and the employee list show, for HR and a
    manager, on days before, between and after the due dates."""
    dues = sorted({*db.session.execute(sa.select(Assignment.due_date)).scalars(),
                   *db.session.execute(sa.select(NoticeDelivery.due_date)).scalars()})
    days = {TODAY - timedelta(days=40), TODAY + timedelta(days=40), *dues[::max(len(dues) // 3, 1)]}  # due-day edges
    for username in ("hr", "manager"):
        user = world.user(username)
        with current_app.test_request_context():
            login_user(user)
            departments = user.actor.managed_department_ids
            own = user.employee_id
            for today in sorted(days):
                visible = [a for a in db.session.execute(sa.select(Assignment).where(
                    Assignment.course_id == course.id, Assignment.is_current.is_(True))).scalars()
                    if username == "hr" or a.employee_id == own or a.employee.department_id in departments]
                expected = Counter(course_rules.status(opened=a.first_opened_at is not None,
                                                       quiz_passed=a.quiz_passed_at is not None,
                                                       acknowledged=a.acknowledged_at is not None,
                                                       due=a.due_date, today=today) for a in visible)
                shown = course_records.matrix(course, course_records.MatrixFilter(), today)
                assert shown.counts == expected and shown.total == len(visible)
                (summary,) = [s for s in course_records.course_summaries(today) if s.course.id == course.id]
                assert (summary.total, summary.acknowledged, summary.overdue) == (
                    len(visible), expected[course_rules.Status.ACKNOWLEDGED], expected[course_rules.Status.OVERDUE])
                by_contract = course_records.MatrixFilter(department_id=world.machining.id,
                                                          contract_type=ContractType.REGULAR)
                assert sum(course_records.matrix(course, by_contract, today).counts.values()) == sum(
                    1 for a in visible
                    if a.employee.department_id == world.machining.id and a.employee.contract_type is ContractType.REGULAR)
                if username == "hr":
                    deliveries = [d for v in notice.versions for d in db.session.execute(
                        sa.select(NoticeDelivery).where(NoticeDelivery.version_id == v.id)).scalars()]
                    expected_notices = Counter(notice_rules.status(opened=d.first_opened_at is not None,
                                                                   acknowledged=d.acknowledged_at is not None,
                                                                   due=d.due_date, today=today) for d in deliveries)
                    assert notice_records.deliveries(notice, notice_records.DeliveryFilter(), today).counts == expected_notices
                    (summary,) = [s for s in notice_records.notice_summaries(today) if s.notice.id == notice.id]
                    assert summary.counts == expected_notices
            people = [e for e in db.session.execute(sa.select(Employee)).scalars()
                      if username == "hr" or e.id == own or e.department_id in departments]
            for status in (EmploymentStatus.ACTIVE, EmploymentStatus.LEFT, None):
                listed = org.visible_employees(org.EmployeeFilter(status=status))
                assert listed.total == sum(1 for e in people if status is None or e.status is status)


def test_tallies_equal_the_live_counts_after_random_writes(app, world, courses):
    hr = world.user("hr").id
    course = courses["injury-basics"]
    version, _ = save_notice(None, {"zh_CN": "安全须知"}, {"zh_CN": "## 须知\n\n遵守操作规程。"}, hr, SYSTEM)
    db.session.commit()
    departments = [world.machining, world.assembly]

    def people(pick: int) -> Employee:
        everyone = db.session.execute(sa.select(Employee).order_by(Employee.id)).scalars().all()
        return everyone[pick % len(everyone)]

    def current(pick: int, *conditions: sa.ColumnElement[bool]) -> Assignment | None:
        found = db.session.execute(sa.select(Assignment).where(Assignment.is_current.is_(True), *conditions)
                                   .order_by(Assignment.id)).scalars().all()
        return found[pick % len(found)] if found else None

    def save(person: Employee, **changes: object) -> None:
        values = {name: getattr(person, name) for name in org.EmployeeData.__dataclass_fields__}
        org.save_employee(org.EmployeeData(**{**values, **changes}), person, hr, SYSTEM)

    def hire(pick: int) -> None:
        number = f"P{pick:04d}"
        if not org.number_taken(number):
            org.save_employee(org.EmployeeData(number, f"员工{pick}", date(2026, 1, 5), departments[pick % 2].id,
                                               CONTRACTS[pick % 3], None, None, "zh_CN", EmploymentStatus.ACTIVE, None),
                              None, hr, SYSTEM)

    def import_people(pick: int) -> None:
        rows = [["number", "name", "hire_date", "department", "contract_type"]]
        rows += [[f"Q{(pick + n) % 7:03d}", f"导入{n}", "2026-02-01", ("MACH", "ASSY")[(pick + n) % 2],
                  CONTRACTS[(pick // 2 + n) % 3].value] for n in range(3)]
        workbench.commit_import(workbench.preview(importing.Kind.EMPLOYEES, rows, TODAY), hr, SYSTEM)

    def move(pick: int) -> None:
        person = people(pick)
        save(person, department_id=departments[(departments.index(person.department) + 1) % 2].id)

    def change_contract(pick: int) -> None:
        person = people(pick)
        save(person, contract_type=CONTRACTS[(CONTRACTS.index(person.contract_type) + 1 + pick % 2) % 3])

    def leave(pick: int) -> None:
        person = people(pick)
        if person.status is EmploymentStatus.ACTIVE:
            save(person, status=EmploymentStatus.LEFT, left_date=TODAY - timedelta(days=1))

    def give_course(pick: int) -> None:
        assign(course, people(pick), AssignmentReason.MANUAL, hr, SYSTEM)

    def open_course(pick: int) -> None:
        if assignment := current(pick, Assignment.first_opened_at.is_(None)):
            open_lesson(assignment, current_version(assignment.course, "zh_CN"), 1, hr, SYSTEM)

    def pass_quiz(pick: int) -> None:
        if assignment := current(pick, Assignment.quiz_passed_at.is_(None), Assignment.acknowledged_at.is_(None)):
            version = current_version(assignment.course, "zh_CN")
            for lesson in version.snapshot["lessons"]:
                open_lesson(assignment, version, lesson["number"], hr, SYSTEM)
                mark_lesson_read(assignment, version, lesson["number"], hr, SYSTEM, reading_scale=0)
            questions = questions_of(version)
            submit_quiz(assignment, version, questions, {q.id: q.correct_ids() for q in questions}, hr, SYSTEM)

    def complete(pick: int) -> None:
        if assignment := current(pick, Assignment.acknowledged_at.is_(None)):
            walk_through_course(assignment, hr, SYSTEM)

    def renew(pick: int) -> None:
        if assignment := current(pick, Assignment.acknowledged_at.is_not(None)):
            renew_assignment(assignment, AssignmentReason.RENEWAL, SYSTEM, utcnow())

    def push(pick: int) -> None:
        staff = db.session.execute(sa.select(Employee).where(Employee.department_id == departments[pick % 2].id)).scalars()
        push_notice(version, list(staff), TODAY + timedelta(days=pick % 60 - 30), hr, SYSTEM, cycle=1 + pick % 2)

    def delivery(pick: int, *conditions: sa.ColumnElement[bool]) -> NoticeDelivery | None:
        found = db.session.execute(sa.select(NoticeDelivery).where(*conditions).order_by(NoticeDelivery.id)).scalars().all()
        return found[pick % len(found)] if found else None

    def read_notice(pick: int) -> None:
        if found := delivery(pick, NoticeDelivery.first_opened_at.is_(None)):
            open_notice(found, "zh_CN", hr, SYSTEM)

    def acknowledge_delivery(pick: int) -> None:
        if found := delivery(pick, NoticeDelivery.first_opened_at.is_not(None), NoticeDelivery.acknowledged_at.is_(None)):
            acknowledge_notice(found, found.employee.name, "zh_CN", hr, SYSTEM)

    def bulk_sql(pick: int) -> None:
        """Writes that bypass the ORM (a data fix, a bulk job): the database keeps counting."""
        db.session.execute(sa.update(Assignment).where(Assignment.acknowledged_at.is_(None))
                           .values(due_date=TODAY + timedelta(days=pick % 30 - 15)))
        db.session.execute(sa.update(Employee).where(Employee.id % 3 == pick % 3)
                           .values(department_id=departments[pick % 2].id))

    actions = [hire, import_people, move, change_contract, leave, give_course, open_course, pass_quiz, complete, renew,
               push, read_notice, acknowledge_delivery, bulk_sql]

    @settings(max_examples=8, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.sampled_from(actions), st.integers(0, 999)), min_size=3, max_size=10))
    def check(steps):
        for action, pick in steps:
            action(pick)
            db.session.commit()
        assert_tallies_are_live()
        assert_list_counts_follow_the_rules(world, course, db.session.get(Notice, version.notice_id))

    check()
    # Migration 0020 counts the rows already there with the same description: it finds the same.
    for tally in REGISTERED.values():
        db.session.execute(sa.text(f"DELETE FROM {tally.table}"))
        db.session.execute(sa.text(tally.fill()))
    db.session.commit()
    assert_tallies_are_live()
