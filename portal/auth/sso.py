"""Single sign-on through OpenID Connect with Authlib: the authorization code flow with PKCE (S256),
the ID token checked against the provider's published keys, the identity mapped to an employee by
employee number (a configured claim) or by verified e-mail address. Password sign-in stays."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from portal.auth.models import User
from portal.extensions import db
from portal.org.models import Employee

EXTENSION = "portal_sso"
CLIENT = "company"


def init_app(app: Flask) -> None:
    """Register the provider when ``OIDC_ISSUER`` is set; each app gets its own registry."""
    if not app.config.get("OIDC_ISSUER"):
        return
    oauth = OAuth()
    oauth.init_app(app)
    oauth.register(
        CLIENT,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=app.config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )
    app.extensions[EXTENSION] = oauth


def client() -> Any | None:
    """The provider's client, or ``None`` when single sign-on is not configured."""
    oauth = current_app.extensions.get(EXTENSION)
    return oauth.create_client(CLIENT) if oauth is not None else None


def account_for(claims: dict[str, Any]) -> User | None:
    """The enabled account of the employee the ID token names: by employee number when the provider
    sends one, otherwise by an e-mail address the provider has verified. Never by name."""
    number = claims.get(current_app.config["OIDC_NUMBER_CLAIM"])
    if number:
        condition = Employee.number == str(number).strip().upper()
    elif claims.get("email") and claims.get("email_verified") is True:
        condition = sa.func.lower(Employee.email) == str(claims["email"]).strip().lower()
    else:
        return None
    employees = list(db.session.execute(sa.select(Employee.id).where(condition)).scalars())
    if len(employees) != 1:  # unknown, or an e-mail shared by two records: refuse rather than guess
        return None
    return db.session.execute(sa.select(User).where(User.employee_id == employees[0],
                                                    User.is_enabled.is_(True))).scalar_one_or_none()
