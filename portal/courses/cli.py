"""``flask courses sync``: load the course files into the database."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from portal.core.records import echo_file_errors
from portal.courses.content import CourseErrors
from portal.courses.operations import sync_courses
from portal.courses.routes import bp
from portal.evidence.ledger import SYSTEM


@bp.cli.command("sync")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Course folder (default: COURSES_DIR, the project's courses/).")
def sync_command(directory: Path | None) -> None:
    """Load courses/ into the database; new content becomes a new version. Safe to run again."""
    root = directory or Path(current_app.config["COURSES_DIR"])
    try:
        report = sync_courses(root, SYSTEM)
    except CourseErrors as errors:
        raise echo_file_errors(errors.errors, root) from None
    for line in report.lines():
        click.echo(line)
