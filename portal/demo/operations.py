"""Loading the demo company into the database, once, in one transaction."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from portal.auth.models import User
from portal.auth.operations import hash_password, new_session_token
from portal.auth.policy import Role
from portal.core.records import commit_keeping_loaded
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
from portal.cases.models import CASE_FIELDS
from portal.cases.routes import case_notices
from portal.courses.presenters import questions_of
from portal.demo.company import DEMO_PASSWORD, DEPARTMENTS, build_people
from portal.evidence.ledger import SYSTEM, Origin
from portal.evidence import witnesses
from portal.evidence.log import publish
from portal.evidence.models import Witness
from portal.extensions import db
from portal.org.models import Department, Employee, department_managers
from portal import PROJECT_ROOT


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
    _demo_case(today)
    _demo_alert_cases(today)
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
    overdue_left = 3
    for index, employee in enumerate(recent):
        assignments = assign_on_hire(employee, None, DEMO_ORIGIN)
        db.session.commit()
        finished = employee.number == "A0101" or (index % 5 < 3 and not employee.number.startswith("A049"))
        if finished:
            for assignment in assignments:
                walk_through_course(assignment, users[employee.id].id)
        elif not employee.number.startswith("A049") and overdue_left > 0:
            # A few of the unfinished are past their due date, so the workbench has overdue alerts to show.
            overdue_left -= 1
            for assignment in assignments:
                assignment.due_date = today - timedelta(days=3)
            db.session.commit()
    li = db.session.execute(sa.select(Employee).where(Employee.number == "A0101")).scalar_one()
    assign_injury_courses(li, None, DEMO_ORIGIN)
    db.session.commit()
    publish_demo_heads()


def publish_demo_heads() -> None:
    """The demo's witness is a folder under instance/ (one per database); the first signed tree head goes to it."""
    database = hashlib.sha256(str(db.engine.url).encode()).hexdigest()[:8]
    folder = Path(current_app.instance_path, f"witness-heads-{database}")
    folder.mkdir(parents=True, exist_ok=True)
    if not db.session.execute(sa.select(Witness).where(Witness.target == str(folder))).scalar():
        witnesses.add("directory", str(folder), "演示见证方 demo witness folder", None, DEMO_ORIGIN)
    publish()


def walk_through_course(assignment: Assignment, user_id: int, origin: Origin = DEMO_ORIGIN) -> Acknowledgement:
    """Walk a course as the employee would: every lesson, a passing quiz, the acknowledgement.

    The walk happens now, in order, as the ledger requires (its times never go backwards); being a
    simulation, it is recorded with no minimum reading time (``reading_scale=0``: the events say so)."""
    version = current_version(assignment.course, assignment.employee.preferred_locale)
    for lesson in version.snapshot["lessons"]:
        open_lesson(assignment, version, lesson["number"], user_id, origin)
        mark_lesson_read(assignment, version, lesson["number"], user_id, origin, reading_scale=0)
    questions = questions_of(version)
    submit_quiz(assignment, version, questions, {q.id: q.correct_ids() for q in questions}, user_id, origin)
    record = acknowledge(assignment, version, assignment.employee.name, user_id, origin)
    commit_keeping_loaded()
    return record


# Li's pre-injury contribution wages (six months of service, about 5,200 yuan a month).
LI_WAGES = ((2025, 9, "5100.00"), (2025, 10, "5250.00"), (2025, 11, "5180.00"), (2025, 12, "5300.00"),
            (2026, 1, "5220.00"), (2026, 2, "5150.00"))
LI_CASE = {
    "accident_date": date(2026, 3, 2), "description": "右手在数控车床上料时被夹伤",
    "reported_date": date(2026, 3, 2),
    "recognition_applied_date": date(2026, 3, 20), "recognition_applicant": "employer",
    "recognition_accepted_date": date(2026, 3, 27), "recognition_decided_date": date(2026, 5, 15),
    "recognized": True, "decision_number": "苏人社工认〔2026〕0312号",
    "decision_served_date": date(2026, 5, 22),
    "suspension_start": date(2026, 3, 2), "suspension_months": 6,
    "assessment_applied_date": date(2026, 8, 10), "assessment_concluded_date": date(2026, 9, 10), "grade": 9,
}


def _demo_case(today: date) -> None:
    """The source case: Li's injury of 2 March 2026, six months' paid suspension, grade 9, the
    original-pay stop confirmed by HR, the notices pushed (Li acknowledged the benefit explanation),
    the personal share owed for the suspension months, March withheld from wages and the rest
    deducted from the one-time disability subsidy in three instalments."""
    from portal.cases import operations as cases
    from portal.cases.rules import EntryKind
    from portal.notices.operations import (
        acknowledge_notice,
        notice_by_key,
        open_notice,
        sync_scenario_notices,
    )

    if notice_by_key("disability-benefit-explanation") is None:
        sync_scenario_notices(PROJECT_ROOT / "notices", SYSTEM)
    cases.ensure_demo_policy(SYSTEM)
    li = db.session.execute(sa.select(Employee).where(Employee.number == "A0101")).scalar_one()
    hr = db.session.execute(sa.select(User).where(User.username == "hr.wang")).scalar_one()
    li_user = db.session.execute(sa.select(User).where(User.employee_id == li.id)).scalar_one()
    for year, month, wage in LI_WAGES:
        cases.add_wage(li, year, month, Decimal(wage), hr.id, DEMO_ORIGIN)
    values = {**dict.fromkeys(CASE_FIELDS), **LI_CASE}
    errors = cases.case_errors(values, today, cases.policy_on(values["accident_date"]))
    if errors:  # the demo's dates lie in 2026: an earlier clock cannot hold them
        db.session.rollback()
        return
    case = cases.open_case(li, values, hr.id, DEMO_ORIGIN)
    for action in case.pending_actions:
        cases.confirm_action(action, hr.id, DEMO_ORIGIN)
    for delivery in case_notices(li.id):
        if delivery.scenario == "disability-benefit-explanation":
            open_notice(delivery, "zh_CN", li_user.id, DEMO_ORIGIN)
            acknowledge_notice(delivery, li.name, "zh_CN", li_user.id, DEMO_ORIGIN)
    cases.record_owed_for_suspension(case, hr.id, DEMO_ORIGIN)
    march = next(e for e in case.entries if e.kind is EntryKind.OWED and e.period == (2026, 3))
    cases.add_entry(case, EntryKind.WITHHELD, march.amount, date(2026, 3, 31), hr.id, DEMO_ORIGIN,
                    period=(2026, 3), note="withheld from the March wage")
    cases.apply_deduction_plan(case, 3, date(2026, 9, 25), hr.id, DEMO_ORIGIN, token="demo-li-plan")
    db.session.commit()


def _alert_case_values(today: date) -> list[tuple[str, dict]]:
    """One case per risk the workbench watches for, dated relative to today so the demo always
    shows each alert: (department code, case values)."""
    ago = lambda days: today - timedelta(days=days)  # noqa: E731
    recognized = lambda accident: {  # noqa: E731
        "reported_date": accident, "recognition_applied_date": accident + timedelta(days=2),
        "recognition_applicant": "employer", "recognition_accepted_date": accident + timedelta(days=5),
        "recognition_decided_date": accident + timedelta(days=20), "recognized": True,
        "suspension_start": accident,
    }
    return [
        ("WELD", {"accident_date": ago(25), "reported_date": ago(25)}),  # filing due within 7 days
        ("QC", {"accident_date": ago(45), "reported_date": ago(44)}),  # filing deadline missed
        ("MAINT", {"accident_date": ago(100), "reported_date": ago(100), "recognition_applied_date": ago(98),
                   "recognition_applicant": "employer", "recognition_accepted_date": ago(95)}),  # decision overdue
        ("LOGI", {"accident_date": ago(200), **recognized(ago(200)), "suspension_months": 12,
                  "assessment_applied_date": ago(75)}),  # assessment conclusion overdue
        ("ASSY", {"accident_date": ago(350), **recognized(ago(350)), "suspension_months": 12}),  # month 12 near; share owed
        ("FIN", {"accident_date": ago(750), **recognized(ago(750)), "suspension_months": 12, "extension_months": 12,
                 "extension_confirmed_date": ago(420)}),  # past the 24-month maximum
        ("ADM", {"accident_date": ago(230), **recognized(ago(230)), "suspension_months": 6,
                 "assessment_applied_date": ago(50), "assessment_concluded_date": ago(20), "grade": 8}),  # pay not stopped
    ]


def _demo_alert_cases(today: date) -> None:
    """Cases that raise every kind of risk alert once ``flask risks scan`` runs."""
    from dataclasses import replace

    from portal.cases import operations as cases
    from portal.cases.rules import DEMO_POLICY

    if cases.policy_on(today - timedelta(days=800)) is None:  # figures in force for the oldest case
        cases.save_policy(replace(DEMO_POLICY, valid_from=date(2020, 1, 1),
                                  source=DEMO_POLICY.source + " (earlier figures)"), None, SYSTEM)
    hr = db.session.execute(sa.select(User).where(User.username == "hr.wang")).scalar_one()
    managers = set(db.session.execute(sa.select(department_managers.c.employee_id)).scalars())
    for code, case_values in _alert_case_values(today):
        employee = db.session.execute(
            sa.select(Employee).join(Department).where(Department.code == code, Employee.id.not_in(managers),
                                                       Employee.number > "A0010", Employee.number < "A0490")
            .order_by(Employee.number).limit(1)).scalar_one()
        accident = case_values["accident_date"]
        for back in range(12, 0, -1):
            month = date(accident.year, accident.month, 1) - timedelta(days=28 * back)
            if not any(w.year == month.year and w.month == month.month for w in cases.wage_history(employee.id)):
                cases.add_wage(employee, month.year, month.month, Decimal("5000.00"), hr.id, DEMO_ORIGIN)
        values = {**dict.fromkeys(CASE_FIELDS), "description": "演示案例 / demo case", **case_values}
        errors = cases.case_errors(values, today, cases.policy_on(accident))
        if errors:
            raise ValueError(f"demo case for {employee.number} is invalid: {errors}")
        case = cases.open_case(employee, values, hr.id, DEMO_ORIGIN)
        if values.get("suspension_start"):
            cases.record_owed_for_suspension(case, hr.id, DEMO_ORIGIN)
    db.session.commit()
