"""Figures every page shows about the signed-in account (the header's bell, for one), and the rows
of a person's own pages.

Each figure is a scalar subquery on ``users.id`` that the package showing it registers; ``load_user``
reads them in the account's own statement on reads (GET and HEAD, the requests that draw pages),
so the header costs no statement of its own.

A page that shows the signed-in person's own rows (my learning, a lesson) registers their
statement for its endpoint: on a read of that page ``load_user`` joins it to the account's
statement, so the page costs no statement of its own either (on PostgreSQL a statement is a round
trip). The statement selects columns only and finds the person through the account
(:func:`own_employee`); the page reads its rows with :func:`page_rows`, which runs the statement
itself when the account was read otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from portal.core.records import plain_rows

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


def own_employee() -> sa.ScalarSelect[Any]:
    """The signed-in account's employee, for a page statement (binds ``account_id``)."""
    from portal.auth.models import User

    return sa.select(User.employee_id).where(User.id == sa.bindparam("account_id")).scalar_subquery()


@dataclass(frozen=True)
class PageRead:
    """The rows of one endpoint's page: ``statement`` (columns only; its parameters are
    ``account_id`` and what ``parameters`` takes from the request's view arguments), sorted by
    ``order_by`` (a statement that limits its rows sorts them itself)."""

    statement: sa.Select[Any]
    order_by: tuple[Any, ...] = ()
    parameters: Callable[[Mapping[str, Any]], dict[str, Any]] = field(default=lambda _view_args: {})


PAGE_READS: dict[str, PageRead] = {}


def read_with_the_account_on(endpoint: str, read: PageRead) -> None:
    PAGE_READS[endpoint] = read


def keep_page_rows(user: User, endpoint: str, rows: list[tuple[Any, ...]]) -> None:
    user.__dict__["_page_rows"] = (endpoint, rows)


def page_rows(user: User, endpoint: str, view_args: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of ``endpoint``'s page for ``user``: those read with the account in this request,
    else read now."""
    kept = user.__dict__.get("_page_rows")
    if kept is not None and kept[0] == endpoint:
        return kept[1]
    read = PAGE_READS[endpoint]
    return [tuple(row) for row in plain_rows(read.statement.order_by(*read.order_by),
                                             {"account_id": user.id, **read.parameters(view_args)})]
