"""Notifications and the e-mail outbox."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.types import UTCDateTime, utcnow
from portal.extensions import db


class Notification(db.Model):
    """One message in a user's notification centre; the text is a key plus parameters, worded
    in the reader's language when shown. ``event_key`` names the event, so it is recorded once."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    text_key: Mapped[str] = mapped_column(sa.String(60))
    params_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    event_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)

    outbox_message: Mapped[OutboxMessage | None] = relationship(viewonly=True)

    @property
    def params(self) -> dict[str, Any]:
        return json.loads(self.params_json or "{}")


class OutboxMessage(db.Model):
    """An e-mail written in the same transaction as its notification and sent later; the
    Message-ID is fixed when it is written, so a retried send carries the same identity."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Empty for mail that is not a notification (an invitation to someone without a password yet).
    notification_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notifications.id"), unique=True)
    to_address: Mapped[str] = mapped_column(sa.String(200))
    # Indexed: an acknowledgement checks by subject that its receipt is not mailed twice.
    subject: Mapped[str] = mapped_column(sa.String(200), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    message_id: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(300), default="")
