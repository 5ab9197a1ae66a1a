"""``flask privacy push`` hands every active employee the privacy notice to acknowledge; ``flask privacy
purge`` applies the retention periods."""

from __future__ import annotations

import click

from portal.core.types import local_today
from portal.evidence.ledger import SYSTEM
from portal.extensions import db
from portal.privacy import operations, purging
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


@bp.cli.command("purge")
def purge() -> None:
    """Apply the retention periods now: scans of staff who left long enough ago, and old built packs
    (safe to run again; the nightly job does the same)."""
    click.echo(purging.purge(local_today()).line())
