"""The jobs page: HR and administrators see where the queue lives, what waits in it and how each
scheduled job last ended (both engines)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal.jobs import job, queue
from portal.workbench import operations
from portal.workbench.jobs import scheduled_risk_scan
from tests.conftest import login, make_app


@job(retries=0)
def waits_for_a_worker() -> None:
    """Enqueued below; no worker runs in this test."""


@pytest.fixture(autouse=True)
def empty_queue() -> Iterator[None]:
    queue.storage.flush_all()  # scheduled-run slots and last runs of earlier tests
    yield
    queue.storage.flush_all()
    queue.immediate = True


def test_hr_sees_each_scheduled_job_and_how_it_last_ended(client, world, monkeypatch):
    login(client, "hr")
    page = client.get("/jobs/").get_data(as_text=True)
    assert "每日风险扫描（01:30）" in page and "尚未运行" in page
    assert "立即执行（测试模式）" in page

    scheduled_risk_scan.call_local()
    page = client.get("/jobs/").get_data(as_text=True)
    assert "成功: Risk scan: 0 new, 0 still raised, 0 resolved." in page

    queue.storage.flush_all()
    monkeypatch.setattr(operations, "scan", lambda today: (_ for _ in ()).throw(RuntimeError("database gone")))
    with pytest.raises(RuntimeError):
        scheduled_risk_scan.call_local()
    assert "失败</strong>: RuntimeError: database gone" in client.get("/jobs/").get_data(as_text=True)


def test_the_page_counts_jobs_waiting_in_a_stored_queue(tmp_path):
    app = make_app("sqlite://", JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite3"))
    with app.app_context():
        from portal.extensions import db
        from tests.conftest import World

        db.create_all()
        World()
        waits_for_a_worker.delay()
        client = app.test_client()
        login(client, "admin")
        page = client.get("/jobs/").get_data(as_text=True)
        db.session.remove()
    assert "内置（本服务器上的文件）" in page
    assert '<dd id="jobs-pending">1</dd>' in page
