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
from portal.notifications.reminding import Duty, open_duties
from portal.org.models import Employee


@dataclass
class ToDo:
    duties: list[Duty] = field(default_factory=list)
    today: date | None = None
    for_team: bool = False  # a manager's list: each line names the person and links to them
    case: Any = None  # the worker's newest case view, for its next step
    counts: dict[str, int] = field(default_factory=dict)  # HR: what waits, by kind

    @property
    def overdue(self) -> int:
        return sum(d.overdue(self.today) for d in self.duties) if self.today else 0


def worker_todo(employee: Employee, today: date, locale: str) -> ToDo:
    from portal.cases import operations as cases

    found = cases.cases_of(employee.id)
    return ToDo(duties=open_duties(Employee.id == employee.id, locale), today=today,
                case=cases.case_view(found[0], today) if found else None)


def manager_todo(today: date, locale: str) -> ToDo:
    """What the people of the managed departments still owe (the policy's department reach)."""
    theirs = scope_filter("course.records", Employee.id, Employee.department_id)
    return ToDo(duties=open_duties(theirs, locale, limit=100), today=today, for_team=True)


def hr_todo(user: User, today: date) -> ToDo:
    from portal.accounts.operations import count_waiting_for_invitation
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
        "invitations": count_waiting_for_invitation(utcnow()),
    })


def todo_for(user: User, today: date, locale: str) -> ToDo:
    if user.role in (Role.HR, Role.ADMIN):
        return hr_todo(user, today)
    if user.role is Role.MANAGER:
        return manager_todo(today, locale)
    return worker_todo(user.employee, today, locale) if user.employee is not None else ToDo()
