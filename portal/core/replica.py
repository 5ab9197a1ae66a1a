"""Reports read from a read replica when one is configured (``PORTAL_DATABASE_REPLICA_URL``).

A view marked ``@reads_from_replica`` sends its plain SELECTs to the replica's engine; everything
else stays on the primary: writes (flushes, INSERT/UPDATE/DELETE), ``SELECT … FOR UPDATE``, raw
text statements, and every statement outside such a view (sign-in, the user's own pages, jobs, the
CLI). Without a replica, nothing changes. A replica may lag the primary by a moment: only pages
whose reader accepts that (reports and exports) are marked.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context
from flask_sqlalchemy.session import Session

from portal.core import read_only

View = TypeVar("View", bound=Callable[..., Any])
EXTENSION = "portal_replica"


class ReplicaRoutingSession(Session):
    """``db.session``: reads inside a replica-reading view go to the replica."""

    def get_bind(self, mapper: Any | None = None, clause: Any | None = None, bind: Any | None = None,
                 **kwargs: Any) -> Any:
        if bind is None and not self._flushing and _is_plain_read(clause) and _replica_wanted():
            return current_app.extensions[EXTENSION]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _is_plain_read(clause: Any) -> bool:
    return isinstance(clause, sa.Select) and clause._for_update_arg is None


def _replica_wanted() -> bool:
    return has_app_context() and g.get("portal_reads_replica", False) and EXTENSION in current_app.extensions


def init_app(app: Flask, engine_options: dict[str, Any]) -> None:
    """Create the replica's engine when ``DATABASE_REPLICA_URL`` is set (once per app)."""
    from portal.config import normalise_database_url

    url = app.config.get("DATABASE_REPLICA_URL")
    if url:
        engine = app.extensions[EXTENSION] = sa.create_engine(normalise_database_url(url), **engine_options)
        if engine.dialect.name == "postgresql":
            read_only.install(engine)


def reads_from_replica(view: View) -> View:
    """Mark a report view: its reads may come from the replica."""

    @wraps(view)
    def reading(*args: Any, **kwargs: Any) -> Any:
        g.portal_reads_replica = True
        try:
            return view(*args, **kwargs)
        finally:
            g.portal_reads_replica = False

    return reading  # type: ignore[return-value]
