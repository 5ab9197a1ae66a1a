"""Background work for evidence, with the interface of the portal's job system (``fn.delay(*args)``).

A stand-in until ``portal.jobs`` is available: ``delay`` runs the function in a worker thread with
an application context (at once and synchronously when ``PORTAL_JOBS_IMMEDIATE`` is on, which is the
default when testing).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import current_app

from portal.extensions import db


def job(retries: int = 0, retry_delay: int = 0) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``@job(retries=…, retry_delay=…)`` as in the job system; this stand-in runs once, without retries."""
    return _with_delay


def _with_delay(fn: Callable[..., Any]) -> Callable[..., Any]:
    def delay(*args: Any) -> None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        if app.config.get("JOBS_IMMEDIATE", app.testing):
            fn(*args)
            return

        def run() -> None:
            with app.app_context():
                try:
                    fn(*args)
                finally:
                    db.session.remove()

        threading.Thread(target=run, name=f"job-{fn.__name__}", daemon=True).start()

    fn.delay = delay  # type: ignore[attr-defined]
    return fn
