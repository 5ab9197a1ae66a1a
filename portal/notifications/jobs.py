"""The outbox is sent by the job system every minute (``flask jobs worker`` runs it)."""

from __future__ import annotations

from portal.jobs import crontab, periodic_job
from portal.notifications.operations import deliver_outbox, smtp_settings


@periodic_job(crontab(minute="*"), lock="notifications-outbox")
def deliver_outbox_job() -> None:
    """Send what waits in the outbox; a failing server leaves the rest for the next minute."""
    settings = smtp_settings()
    if settings is not None:
        deliver_outbox(settings)
