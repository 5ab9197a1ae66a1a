"""``flask renewals run``: renew expired acknowledgements and remind before expiry; for cron, safe to
run again (an expired acknowledgement is renewed by a new cycle, so the next run finds nothing)."""

from __future__ import annotations

import click

from portal.core.types import local_today
from portal.lifecycle import operations
from portal.lifecycle.routes import bp


@bp.cli.command("run")
def run_command() -> None:
    """Re-assign expired courses and notices with a due date; remind those expiring soon."""
    for line in operations.renew_expired(local_today()).lines():
        click.echo(line)
