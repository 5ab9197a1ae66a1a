"""``flask notifications deliver``: send the e-mail outbox (meant for cron or the job system)."""

from __future__ import annotations

import sys

import click
from flask import Blueprint

from portal.notifications import operations

bp = Blueprint("notifications_cli", __name__, cli_group="notifications")


@bp.cli.command("deliver")
def deliver_command() -> None:
    """Send the e-mail waiting in the outbox; a failing server leaves the rest for the next run."""
    settings = operations.smtp_settings()
    if settings is None:
        click.echo("No SMTP_HOST configured: e-mail stays in the outbox.")
        return
    run = operations.deliver_outbox(settings)
    click.echo(f"Outbox: {run.sent} sent.")
    if run.failed:
        click.echo(f"The mail server failed: {run.error}", err=True)
        sys.exit(1)
