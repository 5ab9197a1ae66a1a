"""Webhooks: subscriptions of a URL to event kinds, signed deliveries through the job queue, a delivery log."""
