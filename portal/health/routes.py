"""``/healthz``: answers 200 when the database answers, 503 otherwise; ``/favicon.ico`` for clients
that ask for the icon without reading the page's link to it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, url_for
from werkzeug.wrappers import Response

from portal.auth.access import public
from portal.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """Database round trip; no details leak beyond ok/unavailable."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("health check: database unavailable")
        db.session.rollback()
        return jsonify(status="unavailable", database="unavailable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.get("/favicon.ico")
@public
@limiter.exempt
def favicon() -> Response:
    return redirect(url_for("static", filename="favicon.svg"), 301)
