"""The hourly publication of the evidence log, on the hour (``next_publication`` tells pack readers
when), scheduled on the job queue; ``flask evidence publish`` does the same on demand or from cron."""

from __future__ import annotations

from portal.evidence.log import publish
from portal.jobs import crontab, periodic_job


@periodic_job(crontab(minute="0"), lock="evidence-publish")
def publish_hourly() -> str:
    result = publish()
    size = result.head.size if result.head is not None else 0
    return (f"Evidence log: {result.logged} events logged, head of size {size}, {result.timestamped} timestamped, "
            f"{result.delivered} delivered, {len(result.failures)} failures.")
