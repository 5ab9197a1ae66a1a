"""An employee's own data, gathered from every table that records something about them.

The tables are found from the schema (every table with an ``employee_id`` column, and the ones keyed
by the employee's own account), so a table added later is included without a change here. Secrets
(password hashes, session and reset tokens) are left out; stored files appear as their SHA-256 and
size: the scans themselves travel in the evidence pack.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from portal.auth.models import User
from portal.core.types import utcnow
from portal.evidence.ledger import Origin, append_event
from portal.extensions import db
from portal.org.models import Employee

SECRET_MARKERS = ("password", "token", "secret")
FORMAT = 1
PRIVACY_NOTICE = "privacy-notice"  # notices/privacy-notice.*.md


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest(), "bytes": len(value)}
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def _rows(table: sa.Table, condition: sa.ColumnElement[bool]) -> list[dict[str, Any]]:
    columns = [c for c in table.columns if not any(marker in c.name for marker in SECRET_MARKERS)]
    order = list(table.primary_key.columns)
    result = db.session.execute(sa.select(*columns).where(condition).order_by(*order))
    return [{name: _value(value) for name, value in row._mapping.items()} for row in result]


def personal_data(employee: Employee) -> dict[str, Any]:
    """Everything the portal holds about ``employee``, table by table."""
    user_ids = list(db.session.execute(sa.select(User.id).where(User.employee_id == employee.id)).scalars())
    tables: dict[str, list[dict[str, Any]]] = {
        "employees": _rows(Employee.__table__, Employee.__table__.c.id == employee.id),
    }
    for table in db.metadata.sorted_tables:
        if "employee_id" in table.c:
            rows = _rows(table, table.c.employee_id == employee.id)
        elif "user_id" in table.c and user_ids:
            rows = _rows(table, table.c.user_id.in_(user_ids))
        else:
            continue
        if rows:
            tables[table.name] = rows
    return {"format": FORMAT, "generated_at": utcnow().isoformat(), "employee_number": employee.number,
            "tables": tables}


def record_download(employee: Employee, user_id: int, origin: Origin) -> None:
    """Handing out a copy of personal data is itself on the employee's record (flushed, not committed)."""
    append_event("personal_data_downloaded", employee_id=employee.id, actor_user_id=user_id, origin=origin,
                 payload={"format": FORMAT})


def push_privacy_notice(by_user_id: int | None, origin: Origin) -> int:
    """Push the newest privacy notice to every active employee who does not have it yet (flushed, not
    committed); the number pushed. Raises ``LookupError`` before ``flask notices sync`` has loaded it."""
    from portal.notices.operations import push_scenario_notice
    from portal.org.rules import EmploymentStatus

    pushed = 0
    for employee in db.session.execute(sa.select(Employee).where(Employee.status == EmploymentStatus.ACTIVE)
                                       .order_by(Employee.id)).scalars():
        if push_scenario_notice(PRIVACY_NOTICE, employee, by_user_id, origin) is not None:
            pushed += 1
    return pushed
