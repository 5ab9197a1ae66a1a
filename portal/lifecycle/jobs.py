"""The nightly renewal run on the job queue (the same work as ``flask renewals run``)."""

from __future__ import annotations

from portal.core.types import local_today
from portal.jobs import crontab, periodic_job
from portal.lifecycle import operations


@periodic_job(crontab(minute="30", hour="18"), lock="renewals")
def renew_expired_nightly() -> None:
    """At 02:30 in Shanghai: renew what expired and remind what expires soon (idempotent)."""
    operations.renew_expired(local_today())
