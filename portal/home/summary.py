"""What the home page shows each role."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.auth.access import current_actor, scope_filter
from portal.auth.policy import Role, Scope, scope
from portal.extensions import db
from portal.org.models import Department, Employee
from portal.org.rules import EmploymentStatus

ROLE_LABELS = {
    Role.EMPLOYEE: _l("Employee"),
    Role.MANAGER: _l("Department manager"),
    Role.HR: _l("HR"),
    Role.ADMIN: _l("Administrator"),
}


@dataclass
class HomeSummary:
    employee: Employee | None = None
    departments: list[tuple[Department, int]] = field(default_factory=list)


def home_summary(employee: Employee | None) -> HomeSummary:
    """The user's own record, and headcounts of the departments they may list."""
    summary = HomeSummary(employee=employee)
    if scope(current_actor(), "employee.list") is not Scope.NONE:
        rows = db.session.execute(
            sa.select(Department, sa.func.count(Employee.id))
            .join(Employee, Employee.department_id == Department.id)
            .where(Employee.status == EmploymentStatus.ACTIVE)
            .where(scope_filter("employee.list", Employee.id, Employee.department_id))
            .group_by(Department.id)
            .order_by(Department.code)
        ).all()
        summary.departments = [(department, count) for department, count in rows]
    return summary
