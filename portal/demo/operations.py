"""Loading the demo company into the database, once, in one transaction."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from portal.auth.models import User
from portal.auth.operations import hash_password, new_session_token
from portal.auth.policy import Role
from portal.courses.models import Acknowledgement, Assignment, Course
from portal.courses.operations import (
    acknowledge,
    assign_injury_courses,
    assign_on_hire,
    current_version,
    mark_lesson_read,
    open_lesson,
    submit_quiz,
    sync_courses,
)
from portal.courses.presenters import questions_of
from portal.demo.company import DEMO_PASSWORD, DEPARTMENTS, build_people
from portal.evidence.ledger import SYSTEM, Origin
from portal.evidence.operations import take_checkpoint
from portal.extensions import db
from portal.org.models import Department, Employee


def demo_loaded() -> bool:
    return db.session.execute(sa.select(Department.id).where(Department.code == DEPARTMENTS[0].code)).first() is not None


def load_demo(today: date) -> int:
    """Create the demo company; returns the number of employees created (0 when already there)."""
    if demo_loaded():
        return 0
    # One hash for every demo account: hashing 500 passwords would take a minute, and the
    # demo password is printed on screen anyway.
    password_hash = hash_password(DEMO_PASSWORD)
    departments = {d.code: Department(code=d.code, name_zh=d.name_zh, name_en=d.name_en) for d in DEPARTMENTS}
    db.session.add_all(departments.values())
    people = build_people(today)
    for person in people:
        department = departments[person.department_code]
        employee = Employee(
            number=person.number,
            name=person.name,
            hire_date=person.hire_date,
            department=department,
            contract_type=person.contract_type,
            phone=person.phone,
            preferred_locale=person.preferred_locale,
        )
        if person.manages:
            department.manager = employee
        db.session.add(employee)
        db.session.add(
            User(username=person.username, password_hash=password_hash, role=person.role,
                 employee=employee, session_token=new_session_token())
        )
    db.session.add(User(username="admin", password_hash=password_hash, role=Role.ADMIN,
                        session_token=new_session_token()))
    db.session.commit()
    _demo_learning(today)
    return len(people)


DEMO_ORIGIN = Origin(channel="demo", ip="192.0.2.10", user_agent="demo data loaded by flask demo load")


def _demo_learning(today: date) -> None:
    """Onboarding courses for everyone hired in the last year, most of them done; Li finished his
    onboarding (including the personal-share course) before his injury and has the injury courses."""
    if db.session.execute(sa.select(Course.id)).first() is None:
        sync_courses(Path(current_app.config["COURSES_DIR"]), SYSTEM)
    users = {u.employee_id: u for u in db.session.execute(sa.select(User)).scalars() if u.employee_id}
    recent = db.session.execute(
        sa.select(Employee)
        .where(sa.or_(Employee.hire_date >= today - timedelta(days=365), Employee.number == "A0101"))
        .order_by(Employee.number)
    ).scalars().all()
    for index, employee in enumerate(recent):
        assignments = assign_on_hire(employee, None, DEMO_ORIGIN)
        db.session.commit()
        finished = employee.number == "A0101" or (index % 5 < 3 and not employee.number.startswith("A049"))
        if finished:
            for assignment in assignments:
                walk_through_course(assignment, users[employee.id].id)
    li = db.session.execute(sa.select(Employee).where(Employee.number == "A0101")).scalar_one()
    assign_injury_courses(li, None, DEMO_ORIGIN)
    db.session.commit()
    take_checkpoint()


def walk_through_course(assignment: Assignment, user_id: int, origin: Origin = DEMO_ORIGIN) -> Acknowledgement:
    """Walk a course as the employee would: every lesson, a passing quiz, the acknowledgement."""
    version = current_version(assignment.course, assignment.employee.preferred_locale)
    for lesson in version.snapshot["lessons"]:
        open_lesson(assignment, version, lesson["number"], user_id, origin)
        mark_lesson_read(assignment, version, lesson["number"], user_id, origin)
    questions = questions_of(version)
    submit_quiz(assignment, version, questions, {q.id: q.correct_ids() for q in questions}, user_id, origin)
    return acknowledge(assignment, version, assignment.employee.name, user_id, origin)
