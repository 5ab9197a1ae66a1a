"""``flask demo load``: the demo company, safe to run again."""

from __future__ import annotations

import click
from flask import Blueprint

from portal.core.types import local_today
from portal.demo.company import COMPANY_NAME, DEMO_LOGINS, DEMO_PASSWORD
from portal.demo.operations import load_demo

bp = Blueprint("demo", __name__, cli_group="demo")


@bp.cli.command("load")
def load_command() -> None:
    """Load the demo company (about 500 employees) unless it is already there; print the logins."""
    created = load_demo(local_today())
    if created:
        click.echo(f"Loaded {COMPANY_NAME['en']} ({COMPANY_NAME['zh_CN']}): {created} employees.")
    else:
        click.echo("The demo company is already loaded; nothing changed.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, role, who in DEMO_LOGINS:
        click.echo(f"  {username:<10} {role:<9} {who}")
