"""Reminders scheduled by the job system: every morning at 09:00 in Shanghai (01:00 UTC)."""

from __future__ import annotations

from flask import current_app

from portal.core.types import local_today
from portal.jobs import crontab, periodic_job
from portal.workbench.operations import send_reminders


@periodic_job(crontab(minute="0", hour="1"), lock="reminders-daily")
def send_reminders_job() -> None:
    """Due-soon and overdue reminders with escalation; their e-mail leaves with the outbox job."""
    send_reminders(local_today(), int(current_app.config["REMINDER_ESCALATION_DAYS"]))
