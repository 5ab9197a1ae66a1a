"""The nightly retention purge on the job queue (the same work as ``flask privacy purge``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.core.types import local_today
from portal.jobs import crontab, periodic_job
from portal.privacy import purging


@periodic_job(crontab(minute="0", hour="19"), lock="retention-purge", label=_l("Retention purge (03:00)"))
def purge_nightly() -> str:
    """At 03:00 in Shanghai: delete what the retention periods say is due (idempotent)."""
    return purging.purge(local_today()).line()
