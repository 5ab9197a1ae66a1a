"""The daily risk scan and reminder run (their e-mail leaves with the notification outbox job), scheduled on the job queue (``flask jobs worker`` runs the
schedule). Each scheduled minute runs once across every scheduler, and never two runs at once; the
same work stays available to cron as ``flask risks scan`` and ``flask reminders send``."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core.types import local_today
from portal.evidence.ledger import Origin
from portal.extensions import db
from portal.jobs import crontab, job, periodic_job
from portal.notifications.operations import notify
from portal.workbench import importing, operations

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


@job(retries=0)
def import_in_background(kind: str, data: bytes, filename: str, user_id: int, origin: dict[str, Any]) -> None:
    """An import too long for a request: the file checked again (the records may have changed since
    HR checked it) and written all or nothing, in one transaction; whoever sent it is told how it went."""
    try:
        result = operations.preview(importing.Kind(kind), importing.read_table(data), local_today())
    except importing.TableRefused:
        result = None
    if result is None or not result.ok:
        notify(user_id, "import", "import_refused",
               {"title": filename, "count": len(result.errors) if result else 1}, "/workbench/import")
        db.session.commit()
        return
    done = operations.commit_import(result, user_id, Origin(**origin))
    notify(user_id, "import", "import_done", {"title": filename, "created": done.created, "updated": done.updated},
           "/workbench/import")
    db.session.commit()
