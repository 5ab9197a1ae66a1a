"""Beyond one box: two app servers (gunicorn, separate processes and ports) on one PostgreSQL and one
Redis. A session from one works on the other, the login rate limit counts across both, and an
acknowledgement load split across both (every acknowledgement sent to both at once) loses and
duplicates nothing. Bounded request counts only: nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import sqlalchemy as sa
from flask_migrate import upgrade

from bench.client import CSRF, Client
from portal import PROJECT_ROOT
from portal.auth.operations import create_user
from portal.auth.policy import Role
from portal.courses.models import Acknowledgement, Course
from portal.courses.operations import current_version, mark_lesson_read, open_lesson, submit_quiz, sync_courses
from portal.courses.presenters import questions_of
from portal.evidence.ledger import SYSTEM
from portal.evidence.models import EvidenceEvent
from portal.evidence.operations import verify_ledger
from portal.extensions import db
from portal.org.models import Employee
from tests.conftest import PASSWORD, World, assign_course, make_app
from tests.ports import free_port

LEARNERS = 8
LOGIN_LIMIT = 10
ACKNOWLEDGE = "/learning/injury-basics/acknowledge"



def _ready_to_acknowledge(count: int) -> None:
    """``count`` employees who read every lesson and passed the quiz of the basic course."""
    sync_courses(PROJECT_ROOT / "courses", SYSTEM)
    course = db.session.execute(sa.select(Course).where(Course.slug == "injury-basics")).scalar_one()
    world = World()
    for index in range(count):
        employee = Employee(number=f"L{index:03d}", name=f"学员{index}", hire_date=world.worker.hire_date,
                            department=world.machining, contract_type=world.worker.contract_type,
                            preferred_locale="zh_CN")
        db.session.add(employee)
        db.session.flush()
        user = create_user(f"learner{index}", PASSWORD, Role.EMPLOYEE, employee.id)
        assignment = assign_course(course, employee)
        version = current_version(course, "zh_CN")
        for lesson in version.snapshot["lessons"]:
            open_lesson(assignment, version, lesson["number"], user.id, SYSTEM)
            mark_lesson_read(assignment, version, lesson["number"], user.id, SYSTEM, reading_scale=0)
        questions = questions_of(version)
        submit_quiz(assignment, version, questions, {q.id: q.correct_ids() for q in questions}, user.id, SYSTEM)
    db.session.commit()


@pytest.fixture(scope="module")
def shared_database(postgres_url: str) -> Iterator[str]:
    """A database of its own on the suite's PostgreSQL server, migrated and seeded."""
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS two_servers"))
        connection.execute(sa.text("CREATE DATABASE two_servers"))
    url = postgres_url.rsplit("/", 1)[0] + "/two_servers"
    application = make_app(url)
    with application.app_context():
        upgrade()
        _ready_to_acknowledge(LEARNERS)
        db.session.remove()
        db.engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE two_servers WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(scope="module")
def servers(shared_database: str, redis_url: str) -> Iterator[list[int]]:
    env = {**os.environ, "DATABASE_URL": shared_database, "PORTAL_REDIS_URL": redis_url,
           "PORTAL_SECRET_KEY": "two-servers-test-secret", "PORTAL_PROXY_FIX_HOPS": "1",
           "PORTAL_LOGIN_FAILURES_PER_ACCOUNT": f"{LOGIN_LIMIT} per minute", "PORTAL_LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(PROJECT_ROOT)}
    ports = [free_port(), free_port()]
    processes = [subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                                   "--no-control-socket", "wsgi:app"], env=env, cwd=PROJECT_ROOT) for port in ports]
    try:
        for port, process in zip(ports, processes):
            _wait_until_serving(port, process)
        yield ports
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for process in processes:
            process.wait(30)


def _wait_until_serving(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # start-up only; generous for a busy machine
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if Client(port).get("/healthz").status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the app server on port {port} did not start")


def _client(port: int, address: str) -> Client:
    """A client seen as coming from ``address`` (the servers trust one proxy's X-Forwarded-For)."""
    client = Client(port)
    original = client.request

    def request(method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None):
        return original(method, path, form, {"X-Forwarded-For": address, **(headers or {})})

    client.request = request  # type: ignore[method-assign]
    return client


def test_a_session_from_one_server_works_on_the_other(servers: list[int]) -> None:
    first = _client(servers[0], "10.9.0.1")
    first.login("worker", PASSWORD)
    second = _client(servers[1], "10.9.0.1")
    second.cookies = first.cookies  # one browser, one cookie jar
    page = second.get(second.get("/me").location)
    assert page.status == 200
    assert "李强" in page.body
    # A form rendered by one server is accepted by the other (the CSRF token lives in the session).
    token = CSRF.search(page.body).group(1)
    answer = first.request("POST", "/logout", {"csrf_token": token})
    assert answer.status in (302, 303)
    assert answer.location.endswith("/login")


def test_the_login_rate_limit_counts_across_both_servers(servers: list[int], redis_url: str) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    clients = [_client(port, "10.9.1.1") for port in servers]
    statuses = []
    for attempt in range(LOGIN_LIMIT):
        client = clients[attempt % 2]
        answer = client.request("POST", "/login", {"csrf_token": client.csrf_token("/login"), "username": "worker",
                                                   "password": "wrong password"})
        statuses.append(answer.status)
    assert statuses == [422] * LOGIN_LIMIT  # half on each server: neither alone reached the limit
    for client in clients:  # together they did: the account's failures are counted in the shared Redis
        answer = client.request("POST", "/login", {"csrf_token": client.csrf_token("/login"), "username": "worker",
                                                   "password": PASSWORD})
        assert answer.status == 429
    colleague = _client(servers[0], "10.9.1.1")
    colleague.login("learner0", PASSWORD)  # the same address (a factory) still signs its other people in


def test_acknowledgements_split_across_both_servers_lose_and_duplicate_nothing(
        servers: list[int], shared_database: str) -> None:
    def acknowledge_on_both(index: int) -> list[int]:
        address = f"10.9.2.{index + 1}"
        first = _client(servers[0], address)
        first.login(f"learner{index}", PASSWORD)
        token = first.csrf_token(ACKNOWLEDGE)
        second = _client(servers[1], address)
        second.cookies = first.cookies  # one browser, one cookie jar
        form = {"csrf_token": token, "typed_name": f"学员{index}"}
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda client: client.request("POST", ACKNOWLEDGE, form), (first, second)))
        return [answer.status for answer in answers]

    with ThreadPoolExecutor(6) as pool:
        statuses = [status for pair in pool.map(acknowledge_on_both, range(LEARNERS)) for status in pair]
    assert statuses == [303] * (2 * LEARNERS)

    application = make_app(shared_database)
    with application.app_context():
        acknowledged = db.session.execute(sa.select(Acknowledgement.employee_id)).scalars().all()
        events = db.session.execute(sa.select(EvidenceEvent.employee_id).where(
            EvidenceEvent.event_type == "course_acknowledged")).scalars().all()
        assert len(acknowledged) == len(set(acknowledged)) == LEARNERS
        assert sorted(events) == sorted(acknowledged)
        assert verify_ledger(None).ok
        db.session.remove()
        db.engine.dispose()


SCHEDULER = """
from datetime import datetime, timezone
from portal import create_app
from portal.core.types import local_today
from portal.jobs import run_once_per_slot
from portal.workbench import operations
app = create_app()
with app.app_context():
    slot = datetime(2026, 11, 29, 17, 30, tzinfo=timezone.utc)
    result = run_once_per_slot("risks-scan", slot)(lambda: operations.scan(local_today()))()
    print("ran" if result is not None else "skipped")
"""


def test_a_scheduled_run_happens_once_across_two_schedulers(shared_database: str, redis_url: str) -> None:
    """Two schedulers on two hosts both fire the daily scan for the same minute: one runs it."""
    env = {**os.environ, "DATABASE_URL": shared_database, "PORTAL_REDIS_URL": redis_url,
           "PORTAL_SECRET_KEY": "two-servers-test-secret", "PORTAL_JOBS_IMMEDIATE": "false",
           "PYTHONPATH": str(PROJECT_ROOT)}
    schedulers = [subprocess.Popen([sys.executable, "-c", SCHEDULER], env=env, cwd=PROJECT_ROOT,
                                   stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = sorted(process.communicate(timeout=120)[0].strip() for process in schedulers)
    assert outputs == ["ran", "skipped"]
