"""``flask risks scan`` and ``flask reminders send``: meant for cron, safe to run again and on
several servers at once (alerts and sent reminders are claimed by their unique keys)."""

from __future__ import annotations

import click
from flask import Blueprint, current_app

from portal.core.types import local_today
from portal.workbench import operations

risks_bp = Blueprint("risks", __name__, cli_group="risks")
reminders_bp = Blueprint("reminders", __name__, cli_group="reminders")


@risks_bp.cli.command("scan")
def scan_command() -> None:
    """Raise the alerts the rules find today, refresh those seen again, resolve those gone."""
    result = operations.scan(local_today())
    click.echo(f"Risk scan: {result.line()}.")


@reminders_bp.cli.command("send")
def send_command() -> None:
    """Remind about overdue courses, notices and approval steps; escalate to the department manager."""
    run = operations.send_reminders(local_today(), int(current_app.config["REMINDER_ESCALATION_DAYS"]))
    click.echo(f"Reminders: {run.portal} in the portal, {run.email} by e-mail, {run.escalations} escalations.")
