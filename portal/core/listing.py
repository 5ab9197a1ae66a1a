"""Run a list query as one page: one aggregate COUNT and one SELECT, whatever the table size."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.paging import Page, Sort, page_of


def order_by(stmt: sa.Select[Any], sort: Sort, columns: Mapping[str, Any], tiebreak: Any) -> sa.Select[Any]:
    """Order by the chosen column, then ``tiebreak`` so pages never overlap or skip rows."""
    column = columns[sort.key]
    return stmt.order_by(column.desc() if sort.descending else column.asc(), tiebreak)


def paginate(
    session: Session, stmt: sa.Select[Any], requested: int | None, size: int, scalars: bool = True,
) -> tuple[list[Any], Page]:
    """One page of ``stmt`` (entities, or whole rows with ``scalars=False``) and its Page."""
    total = session.execute(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    page = page_of(requested, total, size)
    result = session.execute(stmt.limit(size).offset(page.offset))
    return list(result.scalars() if scalars else result.all()), page
