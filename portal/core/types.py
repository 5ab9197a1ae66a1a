"""Column types shared by the domain models."""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC: every stored timestamp is UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC on every engine and always read back timezone-aware.

    PostgreSQL keeps the offset (``timestamptz``); SQLite keeps naive text, so the value is
    converted to UTC and stored without offset there, and the offset is put back on read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass a timezone-aware value")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    """Today's date where the portal's users live (Asia/Shanghai), not on the server's clock."""
    return datetime.now(SHANGHAI).date()


@lru_cache(maxsize=4096)
def local_timestamp(value: datetime) -> str:
    """The one format for recorded moments on receipts and statements: Beijing time to the second
    (remembered: a page shows the same recorded moments again and again)."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
