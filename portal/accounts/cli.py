"""``flask accounts …``: create, invite, deactivate, reactivate and re-role accounts from a shell
(the actor is recorded as none: the audit log shows the command line's changes as by the system)."""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask import Blueprint

from portal.accounts import operations
from portal.auth.models import User
from portal.auth.policy import Role
from portal.core.types import utcnow
from portal.extensions import db
from portal.org.models import Employee

bp = Blueprint("accounts_cli", __name__, cli_group="accounts")
ROLE = click.Choice([r.value for r in Role])


def _user(username: str) -> User:
    user = db.session.execute(sa.select(User).where(User.username == username.strip().lower())).scalar_one_or_none()
    if user is None:
        click.echo(f"No account {username!r}.", err=True)
        sys.exit(1)
    return user


@bp.cli.command("create")
@click.argument("username")
@click.option("--role", type=ROLE, default="employee")
@click.option("--employee", "number", help="Employee number the account belongs to.")
def create_command(username: str, role: str, number: str | None) -> None:
    """Create an account without a password and invite it (a link by e-mail, or a code printed here)."""
    employee = None
    if number:
        employee = db.session.execute(sa.select(Employee).where(Employee.number == number.upper())).scalar_one_or_none()
        if employee is None:
            click.echo(f"No employee {number!r}.", err=True)
            sys.exit(1)
    if operations.username_taken(username):
        click.echo(f"The username {username!r} is taken.", err=True)
        sys.exit(1)
    user = operations.create_account(username, Role(role), employee, None)
    run = operations.invite([user], None, utcnow())
    db.session.commit()
    click.echo(f"Created {user.username} ({role}).")
    for account, code in run.codes:
        click.echo(f"Activation code for {account.username}: {code}")


@bp.cli.command("invite")
def invite_command() -> None:
    """Invite every account still waiting; print the activation codes of those without e-mail."""
    run = operations.invite(operations.waiting_for_invitation(utcnow(), lock=True), None, utcnow())
    db.session.commit()
    click.echo(f"{run.emailed} invitations by e-mail, {len(run.codes)} activation codes:")
    for account, code in run.codes:
        click.echo(f"{account.username}\t{code}")


@bp.cli.command("deactivate")
@click.argument("username")
def deactivate_command(username: str) -> None:
    """Deactivate an account and end its sessions."""
    _set_enabled(username, False)


@bp.cli.command("reactivate")
@click.argument("username")
def reactivate_command(username: str) -> None:
    """Let a deactivated account sign in again."""
    _set_enabled(username, True)


def _set_enabled(username: str, enabled: bool) -> None:
    operations.set_enabled(_user(username), enabled, None)
    db.session.commit()
    click.echo(f"{username} {'reactivated' if enabled else 'deactivated'}.")


@bp.cli.command("role")
@click.argument("username")
@click.argument("role", type=ROLE)
def role_command(username: str, role: str) -> None:
    """Give an account another role (its sessions end)."""
    operations.change_role(_user(username), Role(role), None)
    db.session.commit()
    click.echo(f"{username} is now {role}.")
