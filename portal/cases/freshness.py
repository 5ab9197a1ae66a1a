"""Computed case pages kept until something they are computed from changes.

The cost report and the case list compute every listed case's figures with the rules engine,
which costs far more than reading the rows. Everything those figures and lists are computed from
lives in the tables of :data:`WATCHED` (the case rows, stop-pay actions, account entries,
deduction plans, dependants, wage months, regional policy versions and holiday overrides, and
the employee, department and user-name columns the lists show, search and scope by). Any write to
them, through the session's unit of work or a statement run by the session, gives the single row
of ``case_figures_stamp`` a new random stamp in the same transaction. A computed page is kept
under a key made of that stamp, the day (figures move with today), the reader's language and
reach, and the request's arguments, so it is reused only while none of these changed.

Pages are kept by ``portal.core.kept`` in each server process; the processes agree through the
stamp they read from the database.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from itertools import chain
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.auth.access import current_actor
from portal.auth.models import User
from portal.auth.policy import scope
from portal.cases.models import (
    CaseAction,
    CaseDependant,
    DeductionPlanRecord,
    FiguresStamp,
    HolidayOverride,
    InjuryCase,
    PolicyVersion,
    ShareEntry,
    WageMonth,
    new_stamp,
)
from portal.core.kept import kept as core_kept
from portal.core.upsert import insert_ignoring_conflicts
from portal.extensions import db
from portal.org.models import Department, Employee

# Each watched model, with the columns whose change matters (None: every column). New and deleted
# rows of every watched model count.
WATCHED: dict[type, tuple[str, ...] | None] = {
    InjuryCase: None, CaseAction: None, ShareEntry: None, DeductionPlanRecord: None, CaseDependant: None,
    WageMonth: None, PolicyVersion: None, HolidayOverride: None, Department: None,
    Employee: ("name", "number", "phone", "department_id"),
    User: ("username", "employee_id"),
}
STAMP_TABLE = FiguresStamp.__tablename__
WATCHED_TABLES = frozenset(model.__tablename__ for model in WATCHED)

T = TypeVar("T")


def _changes_inputs(session: Session) -> bool:
    for row in chain(session.new, session.deleted):
        if type(row) in WATCHED:
            return True
    for row in session.dirty:
        if type(row) not in WATCHED:
            continue
        columns = WATCHED[type(row)]
        if columns is None:
            if session.is_modified(row):
                return True
        elif any(sa.inspect(row).attrs[name].history.has_changes() for name in columns):
            return True
    return False


def _renew(session: Session) -> None:
    """A new stamp for the transaction's changes (the row is created again if a test emptied it).
    A database not yet migrated this far has no stamp to renew (checked once per connection)."""
    connection = session.connection()
    if not connection.info.get(STAMP_TABLE):
        if not sa.inspect(connection).has_table(STAMP_TABLE):
            return
        connection.info[STAMP_TABLE] = True
    stamp = new_stamp()
    done = connection.execute(sa.update(FiguresStamp).where(FiguresStamp.id == 1).values(stamp=stamp))
    if done.rowcount == 0:
        connection.execute(insert_ignoring_conflicts(FiguresStamp, ["id"]).values(id=1, stamp=stamp))


@sa.event.listens_for(Session, "before_flush")
def _on_flush(session: Session, _context: Any, _instances: Any) -> None:
    if _changes_inputs(session):
        _renew(session)


@sa.event.listens_for(Session, "do_orm_execute")
def _on_statement(state: sa.orm.ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in WATCHED_TABLES:
            _renew(state.session)


def current_stamp() -> str | None:
    return db.session.execute(sa.select(FiguresStamp.stamp).where(FiguresStamp.id == 1)).scalar()


def reach(action: str) -> Hashable:
    """What decides which cases the signed-in reader sees for ``action`` (``scope_filter``'s inputs)."""
    actor = current_actor()
    if actor is None:
        return None
    return scope(actor, action), actor.employee_id, tuple(sorted(actor.managed_department_ids or ()))


def kept(name: str, action: str, today: Any, locale: str, arguments: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned before under the same stamp, day, language, reach (for
    ``action``) and arguments. Without a stamp row nothing is kept."""
    stamp = current_stamp()
    if stamp is None:
        return compute()
    return core_kept((name, stamp, today, locale, reach(action), arguments), compute)
