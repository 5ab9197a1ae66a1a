"""``flask notifications deliver``: send the e-mail outbox (meant for cron or the job system)."""

from __future__ import annotations

import sys

import click
from flask import Blueprint, current_app

from portal.notifications import operations
from portal.notifications.mailer import SmtpSettings

bp = Blueprint("notifications_cli", __name__, cli_group="notifications")


def smtp_settings() -> SmtpSettings | None:
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return None
    return SmtpSettings(host=config["SMTP_HOST"], port=int(config["SMTP_PORT"]), username=config.get("SMTP_USERNAME"),
                        password=config.get("SMTP_PASSWORD"), starttls=bool(config["SMTP_STARTTLS"]),
                        sender=config["SMTP_SENDER"])


@bp.cli.command("deliver")
def deliver_command() -> None:
    """Send the e-mail waiting in the outbox; a failing server leaves the rest for the next run."""
    settings = smtp_settings()
    if settings is None:
        click.echo("No SMTP_HOST configured: e-mail stays in the outbox.")
        return
    run = operations.deliver_outbox(settings)
    click.echo(f"Outbox: {run.sent} sent.")
    if run.failed:
        click.echo(f"The mail server failed: {run.error}", err=True)
        sys.exit(1)
