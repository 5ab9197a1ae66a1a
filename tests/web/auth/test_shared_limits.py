"""Failure limits hold across workers: two apps (two gunicorn workers, or two servers) that share
one limit storage count together; a Redis server started by the test is that storage."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from portal.extensions import db
from tests.conftest import World, login, make_app
from tests.ports import free_port

LIMITS = {"LOGIN_FAILURES_PER_ACCOUNT": "3 per minute", "LOGIN_FAILURES_PER_ADDRESS": "50 per minute"}


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--save", "",
                               "--appendonly", "no", "--bind", "127.0.0.1"], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    server.terminate()
    server.wait()


def _workers(tmp_path, storage: str):
    url = f"sqlite:///{tmp_path}/shared.sqlite3"
    first, second = (make_app(url, RATELIMIT_STORAGE_URI=storage, **LIMITS) for _ in range(2))
    with first.app_context():
        db.create_all()
        World()
        db.session.remove()
    return first, second


def test_two_workers_on_one_redis_count_failures_together(tmp_path, redis_url):
    redis.Redis.from_url(redis_url).flushdb()
    first, second = _workers(tmp_path, redis_url)
    a, b = first.test_client(), second.test_client()
    assert login(a, "worker", "wrong password!").status_code == 422
    assert login(b, "worker", "wrong password!").status_code == 422
    assert login(a, "worker", "wrong password!").status_code == 422
    assert login(b, "worker").status_code == 429
    assert login(a, "worker").status_code == 429


def test_per_process_memory_would_let_each_worker_count_alone(tmp_path):
    """The contrast that shows why production needs the shared storage."""
    first, second = _workers(tmp_path, "memory://")
    a, b = first.test_client(), second.test_client()
    for _ in range(2):
        assert login(a, "worker", "wrong password!").status_code == 422
        assert login(b, "worker", "wrong password!").status_code == 422
    assert login(b, "worker").status_code == 303
