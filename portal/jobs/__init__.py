"""Background jobs: one Huey queue for packs, e-mail, webhooks, reminders, risk scans and publication.

The queue's storage follows the configuration: Redis when ``PORTAL_REDIS_URL`` is set (production, shared
by every app server and worker), otherwise a SQLite file under ``instance/`` (embedded, no extra server).
With ``JOBS_IMMEDIATE`` (the default under ``TESTING``) a job runs at once, synchronously, where it is
enqueued: tests see its effects without a worker.

Jobs are plain functions of JSON-able arguments. Enqueue them after the transaction that created what
they read has committed, so a worker in another process can see it.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

__all__ = ["crontab", "job", "periodic_job", "queue", "init_app", "run_once_per_slot"]

class Job(TaskWrapper):
    """A job function: call ``.delay(*args)`` to enqueue it, or call the function itself directly."""

    def delay(self, *args: Any, **kwargs: Any):
        return TaskWrapper.__call__(self, *args, **kwargs)


class JobQueue(Huey):
    def get_task_wrapper_class(self):
        return Job


# Bound to real storage by init_app; until then (imports, unit tests) jobs run immediately in memory.
queue = JobQueue("injury-portal", immediate=True, utc=True, storage_class=MemoryStorage)
_bound_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Point the queue at the configured storage and remember the app that workers run jobs in."""
    global _bound_app
    _bound_app = app
    immediate = app.config.get("JOBS_IMMEDIATE")
    if immediate is None:
        immediate = app.testing
    if immediate:
        queue.immediate = True
        return
    queue.immediate = False
    queue.storage = _storage_for(app)


def _storage_for(app: Flask):
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        return RedisStorage(queue.name, url=redis_url)
    path = app.config.get("JOBS_SQLITE_PATH") or str(Path(app.instance_path) / "jobs.sqlite3")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteStorage(queue.name, filename=path)


def _in_app_context(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a job inside an app context: the caller's (immediate mode) or the worker's bound app."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return func(*args, **kwargs)
        if _bound_app is None:
            raise RuntimeError("the job queue is not bound to an app; call portal.jobs.init_app first")
        with _bound_app.app_context():
            try:
                return func(*args, **kwargs)
            finally:
                from portal.extensions import db

                db.session.remove()

    return wrapper


def job(retries: int = 3, retry_delay: int = 10, retry_backoff: float = 2.0) -> Callable:
    """Make ``func`` a job: ``func.delay(*args)`` enqueues it; a failure is retried with back-off."""

    def decorator(func: Callable[..., Any]):
        return queue.task(retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff,
                          name=f"{func.__module__}.{func.__qualname__}")(_in_app_context(func))

    return decorator


def run_once_per_slot(name: str, slot: datetime, *, lock_seconds: int = 3600) -> Callable[[Callable], Callable]:
    """Guard a scheduled run: at most one run per ``slot`` (a minute) across every scheduler, never two at once.

    Two schedulers that both fire at the same minute both reach here; the first to claim the slot runs,
    the other returns without doing anything. A lock keeps a slow run from overlapping the next slot;
    a lock older than ``lock_seconds`` is taken to belong to a crashed run and is broken. The queue's
    storage has no expiring keys everywhere (SQLite), so claims of the same minute a day earlier are
    deleted as new ones are made, which keeps their number bounded.
    """

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not queue.put_if_empty(_slot_key(name, slot), "1"):
                return None
            queue.delete(_slot_key(name, slot - timedelta(days=1)))
            if not _acquire(f"periodic.{name}.running", lock_seconds):
                return None
            try:
                result = func(*args, **kwargs)
            except Exception as error:
                _note_run(name, ok=False, outcome=f"{type(error).__name__}: {error}")
                raise
            else:
                _note_run(name, ok=True, outcome="" if result is None else str(result))
                return result
            finally:
                queue.delete(f"periodic.{name}.running")

        return wrapper

    return decorator


SCHEDULED: dict[str, Any] = {}
"""Scheduled jobs by lock name, with the label the jobs page shows (see ``periodic_job``)."""


def _note_run(name: str, *, ok: bool, outcome: str) -> None:
    """Keep the latest run of a scheduled job in the queue's storage, for the jobs page."""
    queue.put(_last_run_key(name), {"finished_at": datetime.now(timezone.utc).isoformat(), "ok": ok,
                                    "outcome": outcome[:300]})


def last_run(name: str) -> dict[str, Any] | None:
    return queue.get(_last_run_key(name), peek=True)


def _last_run_key(name: str) -> str:
    return f"periodic.{name}.last-run"


def _slot_key(name: str, slot: datetime) -> str:
    return f"periodic.{name}.slot.{slot:%Y%m%d%H%M}"


def _acquire(key: str, lock_seconds: int) -> bool:
    now = datetime.now(timezone.utc).timestamp()
    if queue.put_if_empty(key, str(now)):
        return True
    held_since = queue.get(key, peek=True)
    if held_since is not None and now - float(held_since) > lock_seconds:
        queue.delete(key)
        return bool(queue.put_if_empty(key, str(now)))
    return False


def scheduled_minute() -> datetime:
    """The minute a scheduled run belongs to: the slot every scheduler firing then agrees on."""
    return datetime.now(timezone.utc).replace(second=0, microsecond=0)


def periodic_job(schedule: Callable[[datetime], bool], *, lock: str, lock_seconds: int = 3600,
                 retries: int = 0, label: Any = None) -> Callable:
    """Schedule ``func`` (no arguments) with a crontab; each scheduled minute runs once, never overlapping.
    ``label`` (a lazy gettext string) names it on the jobs page."""
    SCHEDULED[lock] = label or lock

    def decorator(func: Callable[..., Any]):
        def scheduled() -> Any:
            return run_once_per_slot(lock, scheduled_minute(), lock_seconds=lock_seconds)(func)()

        scheduled.__name__ = func.__name__
        scheduled.__qualname__ = func.__qualname__
        scheduled.__module__ = func.__module__
        return queue.periodic_task(schedule, retries=retries,
                                   name=f"{func.__module__}.{func.__qualname__}")(_in_app_context(scheduled))

    return decorator


def start_worker(workers: int = 2, periodic: bool = True) -> None:
    """Run the consumer in this process until interrupted (``flask jobs worker``)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    init_app(app)
    if queue.immediate:
        raise RuntimeError("JOBS_IMMEDIATE is on: there is no queue to consume")
    queue.create_consumer(workers=workers, worker_type="thread", periodic=periodic,
                          check_worker_health=True).run()
