"""Flask extensions, created unbound and attached in ``create_app``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import PROJECT_ROOT
from portal.core import read_only, replica
from portal.core.replica import ReplicaRoutingSession

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base, session_options={"class_": ReplicaRoutingSession})
migrate = Migrate(directory=str(PROJECT_ROOT / "migrations"))
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


def init_app(app: Flask) -> None:
    if app.config["PROXY_FIX_HOPS"]:
        hops = int(app.config["PROXY_FIX_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _tune_sqlite)
        if db.engine.dialect.name == "postgresql":
            read_only.install(db.engine)
    replica.init_app(app, app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    from portal.auth import sso, throttle

    throttle.init_app(app)
    sso.init_app(app)


def _tune_sqlite(connection: Any, _record: Any) -> None:
    """Write-ahead log: readers never wait for the writer and a commit appends instead of rewriting
    pages (durability unchanged: synchronous stays FULL). A writer waits up to 10 s for another
    instead of failing; a larger page cache keeps the ledger's indexes in memory at 1M events."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.close()
