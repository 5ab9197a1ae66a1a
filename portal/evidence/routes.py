"""HR's evidence pages: per-employee timeline, packs, verification, checkpoints, paper receipts."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.auth.access import requires

bp = Blueprint("evidence", __name__, url_prefix="/evidence", cli_group="evidence")


@bp.get("/")
@requires("evidence.view")
def index() -> str:
    """Search an employee's evidence; the last verification and checkpoint."""
    return render_template("evidence/index.html")
