"""Configuration: defaults, then ``PORTAL_*`` environment variables, then the test mapping.

Nothing here reads the environment at import time (Flask's rule: no configuration needed at import).
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any, Mapping

from flask import Flask


class ConfigurationError(RuntimeError):
    """Raised at start-up when the portal is configured unsafely."""


class DefaultConfig:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: SQLite under instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    DATABASE_REPLICA_URL: str | None = None  # reports and exports read here when set (portal/core/replica.py)
    LANGUAGES = ("zh_CN", "en")
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    RATELIMIT_STORAGE_URI = "memory://"  # default: REDIS_URL when that is set
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "5 per minute;20 per hour"  # reset and activation forms, per address
    # Failed sign-ins only: per account, and per address (generous: a factory shares one address).
    LOGIN_FAILURES_PER_ACCOUNT = "5 per 5 minutes;20 per hour"
    LOGIN_FAILURES_PER_ADDRESS = "30 per 5 minutes;200 per hour"
    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 10
    RESET_LINK_HOURS = 72
    INVITATION_HOURS = 14 * 24  # an e-mailed invitation link
    ACTIVATION_CODE_DAYS = 30  # a printed activation code
    PROXY_FIX_HOPS = 0
    LOG_LEVEL = "INFO"
    COURSES_DIR: str | None = None  # default: the project's courses/
    LESSON_READING_SCALE = 1.0  # times the minimum reading time of a lesson (0: no minimum)
    REMINDER_ESCALATION_DAYS = 3  # tell the department manager this many days after the due date
    SMTP_HOST: str | None = None  # e-mail reminders only when set
    SMTP_PORT = 587
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = True
    SMTP_SENDER = "portal@localhost"
    # Single sign-on through OpenID Connect: the issuer's discovery document names every endpoint.
    OIDC_ISSUER: str | None = None  # e.g. https://login.company-a.example/realms/staff; unset: password only
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    OIDC_NUMBER_CLAIM = "employee_number"  # the claim that carries the employee number, if the provider sends one
    BASE_URL = "http://127.0.0.1:5000"  # links in e-mail and on printed activation sheets
    REDIS_URL: str | None = None  # job broker, locks and rate limits shared by several app servers
    JOBS_IMMEDIATE: bool | None = None  # run jobs where they are enqueued; default: on under TESTING
    JOBS_SQLITE_PATH: str | None = None  # default: instance/jobs.sqlite3
    EVIDENCE_SIGNING_KEY_FILE: str | None = None  # Ed25519 PEM (flask evidence key generate); see docs
    TSA_URL: str | list[str] = ""  # RFC 3161 authorities, tried in order: "https://a/tsr https://b/tsr"
    TSA_CA_FILE: str | None = None  # PEM roots the authorities' tokens must chain to
    TSA_TIMEOUT = 10
    EVIDENCE_PACKS_PER_HOUR = 6  # evidence packs one user may ask for per hour


def apply_config(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Load configuration in order and fail fast on an unsafe set-up."""
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env("PORTAL")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.from_mapping(test_config)

    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{os.path.join(app.instance_path, 'portal.sqlite3')}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # The connection returned last is handed out first: each connection prepares the statements
        # it runs (psycopg, from their fifth run) and keeps their plans, so one request after another
        # reuses a warm connection instead of cycling through the pool, planning each anew.
        # Each statement's result description is made only when read (``portal.core.described``).
        from portal.core.described import DescribedWhenRead

        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_use_lifo": True, **options,
            "connect_args": {"cursor_factory": DescribedWhenRead, **options.get("connect_args", {})}}
    if not app.config["COURSES_DIR"]:
        from portal import PROJECT_ROOT

        app.config["COURSES_DIR"] = str(PROJECT_ROOT / "courses")
    if app.config["REDIS_URL"] and app.config["RATELIMIT_STORAGE_URI"] == DefaultConfig.RATELIMIT_STORAGE_URI:
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if app.config["SESSION_COOKIE_SECURE"]:
        app.config["REMEMBER_COOKIE_SECURE"] = True
    _require_secret_key(app)


def normalise_database_url(url: str) -> str:
    """Point PostgreSQL URLs at the psycopg 3 driver (``postgres://`` is what many hosts hand out)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _require_secret_key(app: Flask) -> None:
    if app.config["SECRET_KEY"]:
        return
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = "development-only-not-secret"
        return
    raise ConfigurationError(
        "PORTAL_SECRET_KEY is not set. Set it to a long random value, for example:\n"
        "  export PORTAL_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"
    )
