"""The portal's one authorization policy.

Every route asks ``can(user, action, target)``; list pages ask ``scope(user, action)`` and filter
by it. Employees reach only their own records, managers the departments they manage (and
themselves), HR and admin everything. An action missing from ``RULES`` is denied to everyone.
Pure Python: no Flask, no database.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol


class Role(str, enum.Enum):
    EMPLOYEE = "employee"
    MANAGER = "manager"
    HR = "hr"
    ADMIN = "admin"


class Scope(enum.IntEnum):
    """How far an action reaches, ordered from nothing to everything."""

    NONE = 0
    SELF = 1
    DEPARTMENT = 2  # the managed departments, and the actor's own records
    ALL = 3


class Subject(Protocol):
    """Anything that belongs to one employee: the employee record, a case, a receipt."""

    @property
    def subject_employee_id(self) -> int: ...

    @property
    def subject_department_id(self) -> int: ...


@dataclass(frozen=True)
class Actor:
    """What the policy needs to know about the signed-in user."""

    role: Role
    employee_id: int | None = None
    managed_department_ids: frozenset[int] = field(default_factory=frozenset)


E, M, H, A = Role.EMPLOYEE, Role.MANAGER, Role.HR, Role.ADMIN

RULES: dict[str, dict[Role, Scope]] = {
    # Home page, own password, own language.
    "portal.use": {E: Scope.SELF, M: Scope.SELF, H: Scope.SELF, A: Scope.SELF},
    # Employee records.
    "employee.view": {E: Scope.SELF, M: Scope.DEPARTMENT, H: Scope.ALL, A: Scope.ALL},
    "employee.list": {M: Scope.DEPARTMENT, H: Scope.ALL, A: Scope.ALL},
    "employee.edit": {H: Scope.ALL, A: Scope.ALL},
    # Accounts: HR and admin create, invite, deactivate and re-role accounts, hand out reset links
    # and read the audit log; which accounts each may touch is ``may_manage_account``.
    "account.reset_link": {H: Scope.ALL, A: Scope.ALL},
    "account.manage": {H: Scope.ALL, A: Scope.ALL},
    "account.audit": {H: Scope.ALL, A: Scope.ALL},
    # Courses: one's own learning; receipts and course records; assigning courses.
    "learning.self": {E: Scope.SELF, M: Scope.SELF, H: Scope.SELF, A: Scope.SELF},
    "receipt.view": {E: Scope.SELF, M: Scope.DEPARTMENT, H: Scope.ALL, A: Scope.ALL},
    "course.records": {M: Scope.DEPARTMENT, H: Scope.ALL, A: Scope.ALL},
    "course.assign": {H: Scope.ALL, A: Scope.ALL},
    # Evidence: the ledger timeline, packs (employees get their own), verification, paper receipts.
    "evidence.view": {H: Scope.ALL, A: Scope.ALL},
    "evidence.pack": {E: Scope.SELF, M: Scope.SELF, H: Scope.ALL, A: Scope.ALL},
    "evidence.verify": {H: Scope.ALL, A: Scope.ALL},
    "evidence.record_paper": {H: Scope.ALL, A: Scope.ALL},
    "evidence.witnesses": {H: Scope.ALL, A: Scope.ALL},
    # The "as of" view replayed from the ledger: HR for anyone, everyone for themselves.
    "history.view": {E: Scope.SELF, M: Scope.SELF, H: Scope.ALL, A: Scope.ALL},
    # Notices: one's own notices; HR writes, pushes and answers them.
    "notice.self": {E: Scope.SELF, M: Scope.SELF, H: Scope.SELF, A: Scope.SELF},
    "notice.manage": {H: Scope.ALL, A: Scope.ALL},
    # Injury cases: one's own case; managers read their departments' cases; HR opens and edits them.
    "case.self": {E: Scope.SELF, M: Scope.SELF, H: Scope.SELF, A: Scope.SELF},
    "case.view": {M: Scope.DEPARTMENT, H: Scope.ALL, A: Scope.ALL},
    "case.manage": {H: Scope.ALL, A: Scope.ALL},
    # Wages, benefit amounts and personal-share balances: the employee (on "My case") and HR only, not
    # managers, who follow their people's case status, courses and notices (PIPL Arts. 6 and 28).
    "case.money": {H: Scope.ALL, A: Scope.ALL},
    "policy.manage": {H: Scope.ALL, A: Scope.ALL},
    # HR workbench: alerts (managers their departments'), costs, workflow set-up, import and export.
    "workbench.view": {M: Scope.DEPARTMENT, H: Scope.ALL, A: Scope.ALL},
    "workbench.manage": {H: Scope.ALL, A: Scope.ALL},
    # Injury reports: everyone reports their own; deciding is per step role (checked by workflow.decide).
    "workflow.report": {E: Scope.SELF, M: Scope.SELF, H: Scope.SELF, A: Scope.SELF},
    "workflow.decide": {E: Scope.SELF, M: Scope.DEPARTMENT, H: Scope.ALL, A: Scope.ALL},
    # The background job queue and the last run of each scheduled job.
    "jobs.view": {H: Scope.ALL, A: Scope.ALL},
    # One's own copy of one's data (PIPL Arts. 44–45).
    "privacy.self": {E: Scope.SELF, M: Scope.SELF, H: Scope.SELF, A: Scope.SELF},
    # How long scans of departed staff and built packs are kept (the ledger is kept forever).
    "retention.manage": {H: Scope.ALL, A: Scope.ALL},
    # Everyone's own notification centre; HR reminds people now and moves due dates.
    "notifications.self": {E: Scope.SELF, M: Scope.SELF, H: Scope.SELF, A: Scope.SELF},
    "reminders.manage": {H: Scope.ALL, A: Scope.ALL},
    # The open API: admin creates and revokes tokens and watches webhook deliveries.
    "api.manage": {A: Scope.ALL},
}


# HR manages the accounts of employees and managers; only an admin manages HR and admin accounts.
MANAGEABLE_ROLES: dict[Role, frozenset[Role]] = {H: frozenset({E, M}), A: frozenset({E, M, H, A})}


def may_manage_account(actor: Actor | None, account_role: Role, new_role: Role | None = None) -> bool:
    """Whether ``actor`` may act on an account holding ``account_role`` (and give it ``new_role``)."""
    if actor is None:
        return False
    allowed = MANAGEABLE_ROLES.get(actor.role, frozenset())
    return account_role in allowed and (new_role is None or new_role in allowed)


def scope(actor: Actor | None, action: str) -> Scope:
    """How far ``action`` reaches for ``actor`` (``None`` means signed out)."""
    if actor is None:
        return Scope.NONE
    return RULES.get(action, {}).get(actor.role, Scope.NONE)


def can(actor: Actor | None, action: str, target: Subject | None = None) -> bool:
    """Whether ``actor`` may do ``action``, on ``target`` when one is given."""
    reach = scope(actor, action)
    if reach is Scope.NONE or actor is None:
        return False
    if target is None or reach is Scope.ALL:
        return True
    if actor.employee_id is not None and target.subject_employee_id == actor.employee_id:
        return True
    return reach is Scope.DEPARTMENT and target.subject_department_id in actor.managed_department_ids
