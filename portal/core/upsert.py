"""INSERT … ON CONFLICT DO NOTHING for the session's dialect: claim a unique key safely when
several servers run the same work at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.extensions import db


def insert_ignoring_conflicts(model: Any, index_elements: list[str]) -> Any:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(model).on_conflict_do_nothing(index_elements=index_elements)
