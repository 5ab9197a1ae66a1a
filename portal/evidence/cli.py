"""``flask evidence verify`` and ``flask evidence checkpoint`` (safe to run from cron)."""

from __future__ import annotations

import click
import sqlalchemy as sa

from portal.core.types import utcnow
from portal.evidence.operations import record_verification, take_checkpoint, verify_ledger
from portal.evidence.routes import bp
from portal.extensions import db
from portal.org.models import Employee


@bp.cli.command("verify")
@click.option("--employee", "number", default=None, help="Only this employee number's chain.")
def verify_command(number: str | None) -> None:
    """Check every chain and checkpoint; name the first broken event and why. Exit 1 on failure."""
    employee_id = None
    if number:
        employee_id = db.session.execute(sa.select(Employee.id).where(Employee.number == number.upper())).scalar()
        if employee_id is None:
            raise click.ClickException(f"no employee with number {number}")
    started = utcnow()
    report = verify_ledger(employee_id)
    record_verification(report, started, employee_id, None)
    scope = f"employee {number.upper()}" if number else "the whole ledger"
    if report.ok:
        click.echo(f"OK: {scope}: {report.events} events in {report.chains} chains"
                   f" and {report.checkpoints} checkpoints verified.")
        return
    click.echo(f"FAILED: {scope}: {len(report.problems)} problem(s). First: {report.first_problem}", err=True)
    for problem in report.problems[1:20]:
        click.echo(f"  also: {problem}", err=True)
    raise SystemExit(1)


@bp.cli.command("checkpoint")
def checkpoint_command() -> None:
    """Take a checkpoint (run it daily from cron) and print it for outside parties."""
    checkpoint = take_checkpoint()
    click.echo(f"checkpoint {checkpoint.id} at {checkpoint.created_at.isoformat()}")
    click.echo(f"events: {checkpoint.event_count}, chains: {checkpoint.chain_count}")
    click.echo(f"Merkle root: {checkpoint.merkle_root}")
    click.echo(f"checkpoint SHA-256: {checkpoint.hash}")
