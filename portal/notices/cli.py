"""``flask notices sync``: load the scenario notice files into the database."""

from __future__ import annotations

from pathlib import Path

import click

from portal.core.records import echo_file_errors
from portal import PROJECT_ROOT
from portal.evidence.ledger import SYSTEM
from portal.lifecycle.rules import ChangeKind
from portal.notices.content import NoticeErrors
from portal.notices.operations import sync_scenario_notices
from portal.notices.routes import bp


@bp.cli.command("sync")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=PROJECT_ROOT / "notices",
              show_default="the project's notices/", help="Folder of <key>.zh_CN.md and <key>.en.md files.")
@click.option("--change", type=click.Choice([k.value for k in ChangeKind]), default=ChangeKind.MATERIAL.value,
              show_default=True, help="How the changed texts differ from their previous version: minor keeps "
                                      "acknowledgements valid, material pushes the notice again to those who acknowledged it.")
@click.option("--note", default="", help="What changed, kept in the ledger and shown on receipts.")
def sync_command(directory: Path, change: str, note: str) -> None:
    """Load notices/ into scenario notices; new text becomes a new version. Safe to run again."""
    try:
        report = sync_scenario_notices(directory, SYSTEM, change=ChangeKind(change), change_note=note.strip()[:500])
    except NoticeErrors as errors:
        raise echo_file_errors(errors.errors, directory) from None
    for line in report.lines():
        click.echo(line)
