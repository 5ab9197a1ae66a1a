"""The cost report and the case list, kept until something they are computed from changes.

They compute every listed case's figures with the rules engine, which costs far more than reading
the rows. Everything those figures and lists are computed from is watched (``portal.core.kept``):
the case rows, stop-pay actions, account entries, deduction plans, dependants, wage months,
regional policy versions and holiday overrides, and the employee, department and user-name
columns the lists show, search and scope by. A computed page is kept under the watch's stamp, the
day (figures move with today), the reader's language and policy inputs, and the request's arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from portal.auth.access import current_actor
from portal.auth.models import User
from portal.cases.models import (
    CaseAction,
    CaseDependant,
    DeductionPlanRecord,
    HolidayOverride,
    InjuryCase,
    PolicyVersion,
    ShareEntry,
    WageMonth,
)
from portal.core.kept import current_stamps, kept_while, watch
from portal.org.models import Department, Employee

CASE_FIGURES = watch("case figures", {
    InjuryCase: None, CaseAction: None, ShareEntry: None, DeductionPlanRecord: None, CaseDependant: None,
    WageMonth: None, PolicyVersion: None, HolidayOverride: None, Department: None,
    Employee: ("name", "number", "phone", "department_id"),
    User: ("username", "employee_id"),
}, stripes=16)  # by employee: a change to one person's case, wages or account renews one stripe
T = TypeVar("T")


def current_stamp() -> tuple[str, ...] | None:
    return current_stamps(CASE_FIGURES.name)


def reader() -> Hashable:
    """Everything the access policy decides on for the signed-in reader."""
    actor = current_actor()
    if actor is None:
        return None
    return actor.role, actor.employee_id, tuple(sorted(actor.managed_department_ids or ()))


def kept(name: str, today: Any, locale: str, arguments: Hashable, compute: Callable[[], T],
         also: tuple[str, ...] = ()) -> T:
    """``compute()``, or what it returned before under the same case figures stamp (and the
    ``also`` watches' stamps), day, language, reader and arguments."""
    return kept_while((CASE_FIGURES.name, *also), (name, today, locale, reader(), arguments), compute)
