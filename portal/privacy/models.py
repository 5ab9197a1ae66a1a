"""Retention periods, one row for the portal (one employer per deployment)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.types import UTCDateTime
from portal.extensions import db
from portal.privacy import retention


class RetentionSettings(db.Model):
    """The periods HR or an admin set; absent until first saved (the defaults apply meanwhile)."""

    __tablename__ = "retention_settings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    scan_years: Mapped[int] = mapped_column(default=retention.SCAN_YEARS_DEFAULT)
    pack_days: Mapped[int] = mapped_column(default=retention.PACK_DAYS_DEFAULT)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    ONLY_ROW = 1

    def periods(self) -> retention.Periods:
        return retention.Periods(self.scan_years, self.pack_days)
