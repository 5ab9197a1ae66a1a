"""Route guards: the only place where views meet the authorization policy.

Every view is marked ``@public`` or ``@requires(action)``; the route × role test refuses any
view without a mark, so a new route cannot ship without a decision.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement

from portal.auth.policy import Actor, Scope, Subject, can, scope
from portal.extensions import login_manager

PUBLIC = "public"
F = TypeVar("F", bound=Callable[..., object])


def public(view: F) -> F:
    """Mark a view as reachable without signing in."""
    view.access_action = PUBLIC  # type: ignore[attr-defined]
    return view


def current_actor() -> Actor | None:
    return current_user.actor if current_user.is_authenticated else None


def requires(action: str) -> Callable[[F], F]:
    """Require a signed-in user whom the policy allows ``action`` (target checks come in the view)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: object, **kwargs: object) -> object:
            user = current_user._get_current_object()
            if not user.is_authenticated:
                return login_manager.unauthorized()
            if not can(user.actor, action):
                abort(403)
            return view(*args, **kwargs)

        guarded.access_action = action  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def authorize(action: str, target: Subject) -> None:
    """Abort with 403 unless the signed-in user may do ``action`` on ``target``."""
    if not can(current_actor(), action, target):
        abort(403)


def scope_filter(action: str, employee_id: ColumnElement[int], department_id: ColumnElement[int]) -> ColumnElement[bool]:
    """The policy's reach for ``action`` as a SQL condition on a query's employee columns."""
    actor = current_actor()
    reach = scope(actor, action)
    if actor is None or reach is Scope.NONE:
        return sa.false()
    if reach is Scope.ALL:
        return sa.true()
    own = employee_id == actor.employee_id if actor.employee_id is not None else sa.false()
    if reach is Scope.DEPARTMENT and actor.managed_department_ids:
        return sa.or_(own, department_id.in_(sorted(actor.managed_department_ids)))
    return own
