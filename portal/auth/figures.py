"""Figures every page shows about the signed-in account (the header's bell, for one).

Each is a scalar subquery on ``users.id`` that the package showing it registers; ``load_user``
reads them in the account's own statement on reads (GET and HEAD, the requests that draw pages),
so the header costs no statement of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:  # the account's model registers figures of its own
    from portal.auth.models import User

PAGE_FIGURES: dict[str, sa.ScalarSelect[Any]] = {}


def read_with_the_account(name: str, subquery: sa.ScalarSelect[Any]) -> None:
    PAGE_FIGURES[name] = subquery


def keep_figures(user: User, values: dict[str, Any]) -> None:
    user.__dict__["_page_figures"] = values


def page_figures(user: User) -> dict[str, Any]:
    """The figures read with ``user`` in this request (empty when it was not a read)."""
    return user.__dict__.get("_page_figures", {})
