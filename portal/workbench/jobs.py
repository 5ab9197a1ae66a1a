"""The daily risk scan and reminder run (their e-mail leaves with the notification outbox job), scheduled on the job queue (``flask jobs worker`` runs the
schedule). Each scheduled minute runs once across every scheduler, and never two runs at once; the
same work stays available to cron as ``flask risks scan`` and ``flask reminders send``."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core.types import local_today
from portal.jobs import crontab, periodic_job
from portal.workbench import operations

# 01:30 and 08:00 in Shanghai (the queue's schedule is in UTC): alerts are fresh when HR starts the
# day, reminders arrive at the start of the working day.
SCAN_SCHEDULE = crontab(hour="17", minute="30")
REMINDER_SCHEDULE = crontab(hour="0", minute="0")


@periodic_job(SCAN_SCHEDULE, lock="risks-scan", label=_l("Daily risk scan (01:30)"))
def scheduled_risk_scan() -> str:
    return f"Risk scan: {operations.scan(local_today()).line()}."


@periodic_job(REMINDER_SCHEDULE, lock="reminders-send", label=_l("Reminders (08:00)"))
def scheduled_reminders() -> str:
    run = operations.send_reminders(local_today(), int(current_app.config["REMINDER_ESCALATION_DAYS"]))
    return f"Reminders: {run.portal} in the portal, {run.email} by e-mail, {run.escalations} escalations."
