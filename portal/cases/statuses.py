"""The case list's status filter, paged in SQL: each case's computed status is stored with the day
and the case figures stamp it was computed under, and computed again when either no longer holds.

The status moves with today (a deadline passes, the paid suspension period ends), so a stored
status is valid on the day it was computed only; and it moves with the case's inputs, which renew
the stamp of the employee's stripe (``portal.cases.freshness``). Before a filtered page is read,
the cases matching the other filters whose stored status is missing or no longer holds are computed
in bulk and stored (an idempotent upsert); then the page is one keyset SELECT and one COUNT.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.cases import operations
from portal.cases.freshness import CASE_FIGURES
from portal.cases.models import CaseStatus, InjuryCase
from portal.core.kept import current_stamps
from portal.extensions import db


def _stamp_of_case(stamps: tuple[str, ...]) -> Any:
    """The stamp of each case's stripe, as an SQL expression."""
    return sa.case({stripe: stamp for stripe, stamp in enumerate(stamps)},
                   value=InjuryCase.employee_id % CASE_FIGURES.stripes, else_="")


def refresh(cases: sa.Select[Any], today: date) -> bool:
    """Store the status of every case ``cases`` selects whose stored status is missing, from
    another day, or from inputs that changed since; whether any was (the caller commits)."""
    stamps = current_stamps(CASE_FIGURES.name) or ("",) * CASE_FIGURES.stripes
    stored = sa.orm.aliased(CaseStatus)
    stale = (cases.outerjoin(stored, stored.case_id == InjuryCase.id)
             .where(sa.or_(stored.case_id.is_(None), stored.computed_on != today,
                           stored.inputs != _stamp_of_case(stamps)))
             .options(*operations.CASE_ROWS).order_by(InjuryCase.id))
    cases_found = db.session.execute(stale).scalars().all()
    if not cases_found:
        return False
    views = operations.case_views(cases_found, today)
    rows = [{"case_id": v.case.id, "code": v.status.code.value if v.status else None, "computed_on": today,
             "inputs": stamps[v.case.employee_id % CASE_FIGURES.stripes]} for v in views]
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(CaseStatus)
    db.session.execute(statement.on_conflict_do_update(index_elements=["case_id"], set_={
        "code": statement.excluded.code, "computed_on": statement.excluded.computed_on,
        "inputs": statement.excluded.inputs}), rows)
    return True


def having(cases: sa.Select[Any], code: str) -> sa.Select[Any]:
    """``cases`` narrowed to those whose stored status is ``code`` (after :func:`refresh`)."""
    return cases.join(CaseStatus, CaseStatus.case_id == InjuryCase.id).where(CaseStatus.code == code)
