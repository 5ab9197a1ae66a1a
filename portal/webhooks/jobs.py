"""Webhook deliveries run as jobs: a failed attempt raises, and the queue retries it with back-off."""

from __future__ import annotations

from portal.jobs import crontab, job, periodic_job
from portal.webhooks import operations, signing


class DeliveryFailed(RuntimeError):
    pass


@job(retries=signing.RETRIES, retry_delay=signing.FIRST_RETRY_SECONDS, retry_backoff=signing.BACKOFF)
def deliver(delivery_id: int) -> None:
    """Send one delivery; the outcome of every attempt is in the delivery log."""
    if not operations.send(delivery_id):
        raise DeliveryFailed(f"webhook delivery {delivery_id} failed")


@periodic_job(crontab(minute="*"), lock="webhooks-sweep")
def send_never_attempted() -> None:
    """Deliveries recorded outside a web request (command line, a worker that was down) go out here."""
    for delivery_id in operations.never_attempted():
        deliver.delay(delivery_id)


def enqueue(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        try:
            deliver.delay(delivery_id)
        except DeliveryFailed:  # immediate mode runs the first attempt here; its outcome is logged
            pass
