"""``flask evidence …``: verify, publish (hourly from cron), monitor, keys, witnesses, checkpoint."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import click
import sqlalchemy as sa
from flask_babel import force_locale

from portal.core.types import utcnow
from portal.evidence import log as evidence_log
from portal.evidence import witnesses
from portal.evidence.ledger import Origin
from portal.evidence.monitor import MonitorError, load_heads, monitor
from portal.evidence.operations import record_verification, take_checkpoint, verify_ledger
from portal.evidence.routes import bp
from portal.evidence.signing import fingerprint, generate_key_file
from portal.extensions import db
from portal.org.models import Employee

CLI = Origin(channel="cli")


@bp.cli.command("verify")
@click.option("--employee", "number", default=None, help="Only this employee number's chain.")
def verify_command(number: str | None) -> None:
    """Check chains, times, the Merkle log and every signed tree head; name the first problem. Exit 1 on failure."""
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
                   f" and {report.checkpoints} checkpoints verified"
                   + (f"; {report.tree_heads} signed tree heads match the log." if not number else "."))
        return
    click.echo(f"FAILED: {scope}: {len(report.problems)} problem(s). First: {report.first_problem}", err=True)
    for problem in report.problems[1:20]:
        click.echo(f"  also: {problem}", err=True)
    raise SystemExit(1)


@bp.cli.command("publish")
def publish_command() -> None:
    """Log new events, sign a tree head, timestamp it and send it to the witnesses (hourly from cron)."""
    result = evidence_log.publish()
    head = result.head or evidence_log.latest_head()
    click.echo(f"logged {result.logged} new events; timestamps: {result.timestamped}; deliveries: {result.delivered}")
    if head is not None:
        click.echo(f"latest signed tree head: size {head.size}, root {head.root}, key {head.key_fingerprint}")
    for failure in result.failures:
        click.echo(f"  not done (the next run retries): {failure}", err=True)


@bp.cli.command("monitor")
@click.option("--log", "log_url", required=True, help="The portal's log address, e.g. https://portal.example/evidence/log")
@click.option("--key", "keys", multiple=True, required=True, help="The employer's published key fingerprint(s).")
@click.option("--heads", "folder", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder of heads seen so far (a witness folder); new heads are added to it.")
def monitor_command(log_url: str, keys: tuple[str, ...], folder: Path) -> None:
    """What an outside auditor runs: fetch the log's heads and prove every pair seen consistent."""

    def fetch(path: str) -> bytes:
        with urllib.request.urlopen(log_url.rstrip("/") + path, timeout=30) as answer:
            return answer.read()

    try:
        lines = monitor(fetch, set(keys), load_heads(folder), folder)
    except MonitorError as error:
        click.echo(f"FAILED: {error}", err=True)
        raise SystemExit(1) from None
    click.echo("OK")
    for line in lines:
        click.echo(f" - {line}")


@bp.cli.group("key")
def key_group() -> None:
    """The Ed25519 key that signs tree heads and packs."""


@key_group.command("generate")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def key_generate(path: Path) -> None:
    """Write a new private key to PATH (never overwrites); set PORTAL_EVIDENCE_SIGNING_KEY_FILE to it."""
    click.echo(f"new key written to {path}; fingerprint: {generate_key_file(path)}")
    click.echo("Publish the fingerprint (notice board, union representative); heads signed from now on carry it.")


@key_group.command("show")
def key_show() -> None:
    """Print the fingerprint of the key in use, to print and publish."""
    click.echo(f"evidence signing key fingerprint: {fingerprint()}")


@bp.cli.group("witness")
def witness_group() -> None:
    """Outside parties that receive every signed tree head."""


@witness_group.command("add")
@click.argument("kind", type=click.Choice(evidence_log.WITNESS_KINDS))
@click.argument("target")
@click.option("--label", default="", help="Who this is, e.g. 'union representative'.")
def witness_add(kind: str, target: str, label: str) -> None:
    """Add a witness: an e-mail address, a webhook URL or a directory (checked and recorded as on the page)."""
    try:
        witness = witnesses.add(kind, target, label, None, CLI)
    except witnesses.WitnessRefused as refused:
        with force_locale("en"):  # no request to take a language from
            raise click.ClickException(f"{refused.field}: {refused.message}") from None
    click.echo(f"witness {witness.id} added: {witness.kind} {witness.target}")


@witness_group.command("disable")
@click.argument("witness_id", type=int)
def witness_disable(witness_id: int) -> None:
    """Stop sending heads to witness WITNESS_ID (recorded; its receipts stay)."""
    witness = witnesses.disable(witness_id, None, CLI)
    if witness is None:
        raise click.ClickException(f"no witness {witness_id}")
    click.echo(f"witness {witness.id} is off: {witness.kind} {witness.target}")


@witness_group.command("list")
def witness_list() -> None:
    for witness in db.session.execute(sa.select(evidence_log.Witness).order_by(evidence_log.Witness.id)).scalars():
        click.echo(f"{witness.id}\t{witness.kind}\t{witness.target}\t{witness.label}\t{'active' if witness.active else 'off'}")


@bp.cli.command("checkpoint")
def checkpoint_command() -> None:
    """Take a chain-heads checkpoint (the Merkle log's signed heads supersede these)."""
    checkpoint = take_checkpoint()
    click.echo(f"checkpoint {checkpoint.id} at {checkpoint.created_at.isoformat()}")
    click.echo(f"events: {checkpoint.event_count}, chains: {checkpoint.chain_count}")
    click.echo(f"Merkle root: {checkpoint.merkle_root}")
    click.echo(f"checkpoint SHA-256: {checkpoint.hash}")

