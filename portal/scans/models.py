"""The scan store's one table."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.types import UTCDateTime
from portal.extensions import db


class StoredScan(db.Model):
    """The bytes of one scan, under their SHA-256. Deleting the row is how a scan is purged."""

    __tablename__ = "stored_scans"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    mimetype: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
