"""Workbench tables: risk alerts, sent reminders, the approval workflow's
steps and the injury reports that run through it."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.types import UTCDateTime, utcnow
from portal.extensions import db
from portal.org.models import BelongsToEmployee, Employee

OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"


class RiskAlert(BelongsToEmployee, db.Model):
    """One alert raised by the pure rules (``alerts.py``), upserted by its stable key."""

    __tablename__ = "risk_alerts"
    # An acknowledgement resolves the alerts about its assignment or delivery in its own request.
    __table_args__ = (sa.Index("ix_risk_alerts_subject", "subject_kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    severity: Mapped[int]
    subject_kind: Mapped[str] = mapped_column(sa.String(20))
    subject_id: Mapped[int]
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    due: Mapped[date | None]
    owner_role: Mapped[str] = mapped_column(sa.String(20))
    article_zh: Mapped[str] = mapped_column(sa.String(200))
    article_en: Mapped[str] = mapped_column(sa.String(200))
    params_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    status: Mapped[str] = mapped_column(sa.String(20), default=OPEN, index=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    employee: Mapped[Employee] = relationship()

    @property
    def params(self) -> dict[str, Any]:
        return json.loads(self.params_json or "{}")


class SentReminder(db.Model):
    """The idempotency keys of reminders already sent (``reminders.Reminder.key``)."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkflowStep(db.Model):
    """One step of the company's approval workflow, in ``position`` order (empty: the defaults)."""

    __tablename__ = "workflow_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    label: Mapped[str] = mapped_column(sa.String(60), default="")  # the name HR gave a step it added


class InjuryReport(BelongsToEmployee, db.Model):
    """An employee's report of a work injury: date, place and a few words, no medical detail.
    It keeps the steps in force when it was filed, so a later change of the workflow does not
    move a report that is already running."""

    __tablename__ = "injury_reports"
    # The filed reports are listed newest first, a page at a time.
    __table_args__ = (sa.Index("ix_injury_reports_completed_at_id", "completed_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), index=True)
    accident_date: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(200))
    what_happened: Mapped[str] = mapped_column(sa.String(300))
    steps_json: Mapped[str] = mapped_column(sa.Text)
    current: Mapped[int] = mapped_column(default=0)
    waiting_since: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The case opened from this report when its last step approved it.
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("injury_cases.id"))

    employee: Mapped[Employee] = relationship()
    decisions: Mapped[list[ReportDecision]] = relationship(back_populates="report", order_by="ReportDecision.id")

    @property
    def step_list(self) -> list[dict[str, str]]:
        return json.loads(self.steps_json)


class ReportDecision(db.Model):
    """One transition of a report, with its comment (also a ledger event on the reporter's chain)."""

    __tablename__ = "injury_report_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("injury_reports.id"), index=True)
    step_key: Mapped[str] = mapped_column(sa.String(40))
    decision: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str] = mapped_column(sa.String(1000), default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    report: Mapped[InjuryReport] = relationship(back_populates="decisions")
