"""Loading the demo company into the database, once, in one transaction."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.auth.models import User
from portal.auth.operations import hash_password, new_session_token
from portal.auth.policy import Role
from portal.demo.company import DEMO_PASSWORD, DEPARTMENTS, build_people
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
    return len(people)
