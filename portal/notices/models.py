"""Notices, their immutable versions, deliveries, acknowledgements and employees' responses."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.types import UTCDateTime, utcnow
from portal.core.listing import nulls_first
from portal.core.records import HasSnapshot
from portal.core.tallies import Tally, due_date_key, emptied_index, register
from portal.extensions import db
from portal.notices.rules import ResponseKind
from portal.org.models import BelongsToEmployee, Employee


def _enum(kind: type) -> sa.Enum:
    return sa.Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Notice(db.Model):
    """A notice written by HR, or a scenario notice loaded from ``notices/`` (then ``key`` is set)."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    validity_months: Mapped[int | None]  # an acknowledgement expires after this many months (renewal)

    versions: Mapped[list[NoticeVersion]] = relationship(back_populates="notice", order_by="NoticeVersion.number")

    @property
    def newest(self) -> NoticeVersion:
        return self.versions[-1]

    @property
    def ref_id(self) -> str:
        """How ledger events name this notice: its key, or its number for HR's own notices."""
        return self.key or str(self.id)


class NoticeVersion(HasSnapshot, db.Model):
    """One exact text of a notice in both locales. Never changed once written: receipts render from
    their own version forever."""

    __tablename__ = "notice_versions"
    __table_args__ = (
        sa.UniqueConstraint("notice_id", "number"),
        sa.UniqueConstraint("notice_id", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id"), index=True)
    number: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    snapshot_json: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    change_kind: Mapped[str | None] = mapped_column(sa.String(10))  # minor | material; None for the first version
    change_note: Mapped[str] = mapped_column(sa.String(500), default="")

    notice: Mapped[Notice] = relationship(back_populates="versions")

    def shown_locale(self, locale: str) -> str:
        """The locale actually shown: English only when this version has an English text."""
        return locale if self.snapshot["body"].get(locale) else "zh_CN"

    def title(self, locale: str) -> str:
        return self.snapshot["title"][self.shown_locale(locale)]

    def body(self, locale: str) -> str:
        return self.snapshot["body"][self.shown_locale(locale)]


class NoticeDelivery(BelongsToEmployee, db.Model):
    """One version pushed to one employee; it is in their "My notices" from ``pushed_at``."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "employee_id", "cycle"),
        # A version's deliveries, and the deliveries table sorted by due date or by opening (either
        # direction; ``nulls_low``: not yet opened first) read in that order.
        sa.Index("ix_notice_deliveries_version_due", "version_id", "due_date", "id"),
        sa.Index("ix_notice_deliveries_version_opened", "version_id", nulls_first(sa.column("first_opened_at")), "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("notice_versions.id"))
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    pushed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    due_date: Mapped[date]
    scenario: Mapped[str | None] = mapped_column(sa.String(60))
    cycle: Mapped[int] = mapped_column(default=1)  # a renewal delivers the same version again as the next cycle
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    version: Mapped[NoticeVersion] = relationship()
    employee: Mapped[Employee] = relationship()
    acknowledgement: Mapped[NoticeAcknowledgement | None] = relationship(back_populates="delivery")
    responses: Mapped[list[NoticeResponse]] = relationship(back_populates="delivery", order_by="NoticeResponse.id")


class NoticeAcknowledgement(BelongsToEmployee, db.Model):
    """The employee's explicit confirmation of one delivery, bound to the version's hash."""

    __tablename__ = "notice_acknowledgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("notice_deliveries.id"), unique=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    statement: Mapped[str] = mapped_column(sa.Text)
    typed_name: Mapped[str] = mapped_column(sa.String(100))
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))
    receipt_number: Mapped[str | None] = mapped_column(sa.String(30), unique=True)
    event_hash: Mapped[str | None] = mapped_column(sa.String(64))

    delivery: Mapped[NoticeDelivery] = relationship(back_populates="acknowledgement")
    employee: Mapped[Employee] = relationship()


class NoticeResponse(BelongsToEmployee, db.Model):
    """A question or objection an employee raised about a delivered notice, and HR's answer."""

    __tablename__ = "notice_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("notice_deliveries.id"), index=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    kind: Mapped[ResponseKind] = mapped_column(_enum(ResponseKind))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answer: Mapped[str | None] = mapped_column(sa.Text)

    delivery: Mapped[NoticeDelivery] = relationship(back_populates="responses")
    employee: Mapped[Employee] = relationship()


STATUS_TALLY = register(Tally(
    table="notice_status_counts",
    source="notice_deliveries",
    keys=(
        ("notice_id", "(SELECT v.notice_id FROM notice_versions v WHERE v.id = {r}.version_id)"),
        ("department_id", "{e}.department_id"),
        ("state", "CASE WHEN {r}.acknowledged_at IS NOT NULL THEN 'acknowledged' WHEN {r}.first_opened_at IS NOT NULL "
                  "THEN 'read' ELSE 'unread' END"),
        due_date_key("acknowledged_at"),
    ),
    member="1 = 1",
    watched=("version_id", "employee_id", "due_date", "first_opened_at", "acknowledged_at"),
    moves_with=("department_id",),
))


class NoticeStatusCount(db.Model):
    """How many deliveries of a notice (every version and cycle) are acknowledged, read or unread,
    by department and due date: the deliveries table's counts read these few rows, and "overdue" is
    the unacknowledged ones due before today. Kept by database triggers (portal.core.tallies)."""

    __tablename__ = STATUS_TALLY.table
    __table_args__ = (emptied_index(STATUS_TALLY.table),)

    notice_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    department_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    due_date: Mapped[date] = mapped_column(primary_key=True)
    n: Mapped[int]
