"""``flask privacy push``: hand every active employee the privacy notice to acknowledge."""

from __future__ import annotations

import click

from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.privacy import operations
from portal.privacy.routes import bp


@bp.cli.command("push")
def push() -> None:
    """Push the newest privacy notice to every active employee who does not have it (safe to run again)."""
    try:
        count = operations.push_privacy_notice(None, SYSTEM)
    except LookupError as missing:
        raise click.ClickException(f"{missing}") from None
    db.session.commit()
    click.echo(f"privacy notice pushed to {count} employee(s)")
