"""The home page as a to-do list: what the signed-in person should do next, with counts.

A worker sees their open courses and notices (overdue first) and their case's next step; a
manager what their people still owe; HR the open alerts, pending confirmations, approvals and
questions waiting, and the accounts still to invite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from portal.auth.access import scope_filter
from portal.auth.models import User
from portal.auth.policy import Role
from portal.extensions import db
from portal.org.models import Employee


@dataclass(frozen=True)
class Task:
    kind: str  # "course" or "notice"
    title: str
    due: date
    link: str
    overdue: bool
    person: str = ""


@dataclass
class ToDo:
    tasks: list[Task] = field(default_factory=list)
    case: Any = None  # the worker's newest case view, for its next step
    counts: dict[str, int] = field(default_factory=dict)  # HR: what waits, by kind

    @property
    def overdue(self) -> int:
        return sum(t.overdue for t in self.tasks)


def _open_courses(condition: Any, today: date, locale: str, with_person: bool) -> list[Task]:
    from portal.courses.models import Assignment, Course
    from portal.notifications.operations import path_for

    rows = db.session.execute(
        sa.select(Assignment, Course, Employee).join(Course, Assignment.course_id == Course.id)
        .join(Employee, Assignment.employee_id == Employee.id)
        .where(Assignment.is_current.is_(True), Assignment.acknowledged_at.is_(None), condition)
        .order_by(Assignment.due_date, Employee.number).limit(100)).all()
    return [Task("course", course.title_en if locale == "en" else course.title_zh, a.due_date,
                 path_for("course_records.employee", slug=course.slug, employee_id=e.id) if with_person
                 else path_for("courses.course", slug=course.slug), a.due_date < today,
                 e.name if with_person else "") for a, course, e in rows]


def _open_notices(condition: Any, today: date, locale: str, with_person: bool) -> list[Task]:
    from portal.notices.models import NoticeDelivery
    from portal.notifications.operations import path_for

    rows = db.session.execute(
        sa.select(NoticeDelivery, Employee).join(Employee, NoticeDelivery.employee_id == Employee.id)
        .where(NoticeDelivery.acknowledged_at.is_(None), condition)
        .order_by(NoticeDelivery.due_date, Employee.number).limit(100)).all()
    return [Task("notice", d.version.title(locale), d.due_date,
                 path_for("notices_admin.index") if with_person else path_for("notices.detail", delivery_id=d.id),
                 d.due_date < today, e.name if with_person else "") for d, e in rows]


def worker_todo(employee: Employee, today: date, locale: str) -> ToDo:
    from portal.cases import operations as cases

    mine = Employee.id == employee.id
    tasks = _open_courses(mine, today, locale, False) + _open_notices(mine, today, locale, False)
    found = cases.cases_of(employee.id)
    return ToDo(tasks=sorted(tasks, key=lambda t: (not t.overdue, t.due)),
                case=cases.case_view(found[0], today) if found else None)


def manager_todo(today: date, locale: str) -> ToDo:
    """What the people of the managed departments still owe (the policy's department reach)."""
    theirs = scope_filter("course.records", Employee.id, Employee.department_id)
    tasks = _open_courses(theirs, today, locale, True) + _open_notices(theirs, today, locale, True)
    return ToDo(tasks=sorted(tasks, key=lambda t: (not t.overdue, t.due)))


def hr_todo(user: User, today: date) -> ToDo:
    from portal.accounts.operations import waiting_for_invitation
    from portal.cases.models import CaseAction
    from portal.core.types import utcnow
    from portal.notices.models import NoticeResponse
    from portal.workbench.models import OPEN, InjuryReport, RiskAlert
    from portal.workbench.operations import may_decide

    def count(stmt: Any) -> int:
        return db.session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()

    waiting_reports = db.session.execute(sa.select(InjuryReport).where(InjuryReport.completed_at.is_(None))).scalars()
    return ToDo(counts={
        "alerts": count(sa.select(RiskAlert.id).where(RiskAlert.status == OPEN)),
        "confirmations": count(sa.select(CaseAction.id).where(CaseAction.confirmed_at.is_(None))),
        "approvals": sum(may_decide(user, r) for r in waiting_reports),
        "questions": count(sa.select(NoticeResponse.id).where(NoticeResponse.answered_at.is_(None))),
        "invitations": len(waiting_for_invitation(utcnow())),
    })


def todo_for(user: User, today: date, locale: str) -> ToDo:
    if user.role in (Role.HR, Role.ADMIN):
        return hr_todo(user, today)
    if user.role is Role.MANAGER:
        return manager_todo(today, locale)
    return worker_todo(user.employee, today, locale) if user.employee is not None else ToDo()
