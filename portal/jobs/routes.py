"""The jobs page for HR and administrators: where the queue lives, what waits in it, and how each
scheduled job last ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, render_template

from portal.auth.access import requires
from portal.jobs import SCHEDULED, last_run, queue

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@dataclass(frozen=True)
class ScheduledRun:
    label: Any
    finished_at: datetime | None
    ok: bool | None
    outcome: str


def _backend() -> str:
    if queue.immediate:
        return "immediate"
    return "redis" if current_app.config.get("REDIS_URL") else "sqlite"


@bp.get("/")
@requires("jobs.view")
def index() -> str:
    runs = []
    for name, label in sorted(SCHEDULED.items()):
        run = last_run(name) or {}
        finished = datetime.fromisoformat(run["finished_at"]) if run.get("finished_at") else None
        runs.append(ScheduledRun(label, finished, run.get("ok"), run.get("outcome", "")))
    return render_template("jobs/index.html", backend=_backend(), pending=queue.pending_count(),
                           waiting=queue.scheduled_count(), runs=runs)
