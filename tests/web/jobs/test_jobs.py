"""The job queue: immediate in tests, stored and consumed elsewhere in production, scheduled runs once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from flask import Flask, current_app

from portal import jobs
from portal.jobs import job, queue, run_once_per_slot
from tests.conftest import make_app

ran: list[tuple[str, object]] = []
THREE_PM = datetime(2026, 11, 29, 15, 0, tzinfo=timezone.utc)


@job(retries=2, retry_delay=30)
def record_run(value: str) -> None:
    """A job that notes which app it ran in."""
    ran.append((value, current_app.config["MARKER"]))


@job(retries=2, retry_delay=30)
def always_fails() -> None:
    raise RuntimeError("the mail server is down")


@pytest.fixture(autouse=True)
def fresh_runs() -> Iterator[None]:
    ran.clear()
    yield
    queue.immediate = True  # what every other test expects


@pytest.fixture
def stored_queue(tmp_path) -> Iterator[Flask]:
    """An app whose jobs go to a SQLite queue file, as with `make run`."""
    app = make_app("sqlite://", JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite3"),
                   MARKER="stored")
    yield app
    queue.storage.flush_all()


def test_under_testing_a_job_runs_where_it_is_enqueued():
    app = make_app("sqlite://", MARKER="immediate")
    with app.app_context():
        record_run.delay("now")
    assert ran == [("now", "immediate")]


def test_a_stored_job_waits_for_a_worker_and_runs_in_the_worker_app(stored_queue):
    with stored_queue.app_context():
        record_run.delay("later")
    assert ran == []
    assert len(queue) == 1
    # What the worker does, outside any request: take the job and run it in the app it is bound to.
    queue.execute(queue.dequeue())
    assert ran == [("later", "stored")]
    assert len(queue) == 0


def test_a_failed_job_is_scheduled_again_with_one_retry_less(stored_queue):
    with stored_queue.app_context():
        always_fails.delay()
    task = queue.dequeue()
    queue.execute(task)
    (retry,) = queue.scheduled()
    assert retry.id == task.id and retry.retries == 1
    assert retry.eta is not None


def test_a_consumer_thread_runs_stored_jobs(stored_queue):
    with stored_queue.app_context():
        record_run.delay("consumed")
    consumer = queue.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        deadline = time.monotonic() + 60  # a bound for a busy machine, not a speed assertion
        while not ran and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        consumer.stop(graceful=True)
    assert ran == [("consumed", "stored")]


def test_a_scheduled_slot_runs_once_across_schedulers(stored_queue):
    calls: list[str] = []

    def scan() -> str:
        calls.append("scan")
        return "done"

    first = run_once_per_slot("risks-scan", THREE_PM)(scan)
    second = run_once_per_slot("risks-scan", THREE_PM)(scan)  # another scheduler, same minute
    assert first() == "done"
    assert second() is None
    assert calls == ["scan"]
    assert run_once_per_slot("risks-scan", THREE_PM + timedelta(hours=1))(scan)() == "done"
    assert calls == ["scan", "scan"]


def test_a_slow_run_is_never_overlapped_by_the_next_slot(stored_queue):
    calls: list[str] = []

    def slow_scan() -> None:
        calls.append("outer")
        # The next slot fires while this run still holds the lock: it must not start.
        assert run_once_per_slot("risks-scan", THREE_PM + timedelta(minutes=1))(lambda: calls.append("inner"))() is None

    run_once_per_slot("risks-scan", THREE_PM)(slow_scan)()
    assert calls == ["outer"]


def test_a_lock_left_by_a_crashed_run_is_broken_after_its_time(stored_queue):
    queue.put("periodic.risks-scan.running", str(datetime.now(timezone.utc).timestamp() - 7200))
    calls: list[str] = []
    run_once_per_slot("risks-scan", THREE_PM, lock_seconds=3600)(lambda: calls.append("scan"))()
    assert calls == ["scan"]
    assert queue.get("periodic.risks-scan.running", peek=True) is None


def test_claims_of_the_same_minute_a_day_earlier_are_cleared(stored_queue):
    run_once_per_slot("risks-scan", THREE_PM - timedelta(days=1))(lambda: None)()
    assert queue.get("periodic.risks-scan.slot.202611281500", peek=True) is not None
    run_once_per_slot("risks-scan", THREE_PM)(lambda: None)()
    assert queue.get("periodic.risks-scan.slot.202611281500", peek=True) is None


def test_redis_url_selects_redis_storage():
    app = make_app("sqlite://", JOBS_IMMEDIATE=False, REDIS_URL="redis://127.0.0.1:1/0")
    from huey.storage import RedisStorage

    assert isinstance(queue.storage, RedisStorage)
    jobs.init_app(make_app("sqlite://"))
    assert queue.immediate
    del app


ticks: list[str] = []


@jobs.periodic_job(jobs.crontab(minute="*"), lock="test-tick")
def tick() -> None:
    ticks.append(current_app.config["MARKER"])


def test_a_periodic_job_runs_once_per_minute_in_the_worker_app(stored_queue):
    ticks.clear()
    tick.call_local()  # the consumer's scheduler enqueues it, a worker calls it
    tick.call_local()  # a second scheduler, the same minute
    assert ticks == ["stored"]
    assert tick.task_class().validate_datetime(THREE_PM)
