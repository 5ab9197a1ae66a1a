"""Route guards: the only place where views meet the authorization policy.

Every view is marked ``@public`` or ``@requires(action)``; the route × role test refuses any
view without a mark, so a new route cannot ship without a decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Callable, TypeVar

import sqlalchemy as sa
from flask import abort, request
from sqlalchemy import ColumnElement

from portal.auth.figures import page_rows
from portal.auth.policy import Actor, Scope, Subject, can, scope
from portal.core.listing import written, written_in
from portal.extensions import login_manager
from portal.web.signed_in import request_user

PUBLIC = "public"
F = TypeVar("F", bound=Callable[..., object])


def public(view: F) -> F:
    """Mark a view as reachable without signing in."""
    view.access_action = PUBLIC  # type: ignore[attr-defined]
    return view


def current_actor() -> Actor | None:
    user = request_user()
    return user.actor if user.is_authenticated else None


def requires(action: str) -> Callable[[F], F]:
    """Require a signed-in user whom the policy allows ``action`` (target checks come in the view)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: object, **kwargs: object) -> object:
            user = request_user()
            if not user.is_authenticated:
                return login_manager.unauthorized()
            if not can(user.actor, action):
                abort(403)
            return view(*args, **kwargs)

        guarded.access_action = action  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def own_rows() -> list[tuple[object, ...]]:
    """This page's rows for the signed-in person, read with the account where they could be
    (``portal.auth.figures``)."""
    return page_rows(request_user(), request.endpoint or "", request.view_args or {})


def authorize(action: str, target: Subject) -> None:
    """Abort with 403 unless the signed-in user may do ``action`` on ``target``."""
    if not can(current_actor(), action, target):
        abort(403)


@dataclass(frozen=True)
class Reach:
    """Whose records an action reaches, in parts a count by department can use: everyone, or
    some departments and the actor's own records."""

    everyone: bool
    department_ids: tuple[int, ...] = ()
    employee_id: int | None = None


def reach(action: str) -> Reach:
    actor = current_actor()
    extent = scope(actor, action)
    if actor is None or extent is Scope.NONE:
        return Reach(False)
    if extent is Scope.ALL:
        return Reach(True)
    departments = tuple(sorted(actor.managed_department_ids)) if extent is Scope.DEPARTMENT else ()
    return Reach(False, departments, actor.employee_id)


def scope_filter(action: str, employee_id: ColumnElement[int], department_id: ColumnElement[int]) -> ColumnElement[bool]:
    """The policy's reach for ``action`` as a SQL condition on a query's employee columns."""
    extent = reach(action)
    if extent.everyone:
        return sa.true()
    own = employee_id == written(extent.employee_id) if extent.employee_id is not None else sa.false()
    return sa.or_(own, written_in(department_id, extent.department_ids)) if extent.department_ids else own
