"""``flask jobs worker``: consume the job queue (and run the periodic schedule)."""

from __future__ import annotations

import click
from flask import Blueprint

from portal.jobs import start_worker

bp = Blueprint("jobs_cli", __name__, cli_group="jobs")


@bp.cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
@click.option("--no-periodic", is_flag=True, help="Do not run the periodic schedule in this worker.")
def worker_command(workers: int, no_periodic: bool) -> None:
    """Run queued jobs until interrupted."""
    start_worker(workers=workers, periodic=not no_periodic)
