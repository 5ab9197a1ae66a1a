"""Shared fixtures: the app on both engines, signed-in clients and small factories."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from jinja2.bccache import BytecodeCache, Bucket

from portal import PROJECT_ROOT, create_app
from portal.courses.content import CourseSource, load_courses
from portal.courses.models import Assignment, Course
from portal.courses.operations import assign, sync_courses
from portal.courses.rules import AssignmentReason
from portal.evidence.ledger import SYSTEM
from portal.auth.models import User
from portal.auth.operations import create_user
from portal.auth.policy import Role
from portal.extensions import db
from portal.org.models import Department, Employee
from portal.org.rules import ContractType
from tests.postgres import PostgresServer
from tests.redis import RedisServer

T = TypeVar("T")

PASSWORD = "correct horse battery"
ENGINES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    server = PostgresServer()
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    server = RedisServer()
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(scope="session")
def postgres_schema(postgres_url: str) -> str:
    """The schema, created once per run on PostgreSQL; tests empty the tables afterwards instead of
    dropping them (creating 15 tables per test costs more than most tests)."""
    application = make_app(postgres_url)
    with application.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    return postgres_url


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return "sqlite://"
    return request.getfixturevalue("postgres_schema")


class PortalClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Tests hold an app context to read the database; without a fresh one per request, Flask would
    share ``g`` (and with it Flask-Login's cached user and Flask-WTF's CSRF token) across requests.
    The test's own session is expired afterwards so it reads what the request committed.
    """

    def open(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app the suite creates (each test builds a fresh app)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


def make_app(database_url: str, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; production uses scrypt
    }
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = PortalClient
    application.jinja_env.bytecode_cache = TEMPLATE_CACHE
    return application


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override per module to change the app's configuration."""
    return {}


def table_counts() -> dict[str, int]:
    """Every table's row count, in one round trip: a rejected request must leave them all alone."""
    tables = db.metadata.sorted_tables
    counts = db.session.execute(sa.select(*(sa.select(sa.func.count()).select_from(t).scalar_subquery()
                                             for t in tables))).one()
    return dict(zip((t.name for t in tables), counts))


def empty_all_tables() -> None:
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        # The ledger's triggers refuse TRUNCATE; replica mode (superuser only) skips them for cleanup.
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(database_url: str, app_config: dict[str, Any]) -> Iterator[Flask]:
    application = make_app(database_url, **app_config)
    with application.app_context():
        if database_url.startswith("sqlite"):
            db.create_all()
        yield application
        db.session.remove()  # before any DDL, or PostgreSQL waits on the session's locks
        if database_url.startswith("sqlite"):
            db.drop_all()
        else:
            empty_all_tables()
        db.engine.dispose()  # close pooled connections now, not whenever the collector runs


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@contextmanager
def _engine_events(name: str, pick: Callable[..., T]) -> Iterator[list[T]]:
    """What ``pick`` takes from each ``name`` event of the engine inside the block."""
    seen: list[T] = []

    def record(*args: Any) -> None:
        seen.append(pick(*args))

    sa.event.listen(db.engine, name, record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, name, record)


def counted_statements() -> AbstractContextManager[list[str]]:
    """The SQL statements sent to the database inside the block."""
    return _engine_events("before_cursor_execute", lambda _conn, _cursor, statement, *_rest: statement)


def counted_commits() -> AbstractContextManager[list[object]]:
    """The transactions committed inside the block (one entry per connection's commit)."""
    return _engine_events("commit", lambda connection: connection)


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """Read a CSRF token the way a browser gets one: from a rendered form."""
    page = client.get(path, follow_redirects=True)
    match = CSRF_PATTERN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client: FlaskClient, path: str, data: dict[str, Any] | None = None, **kwargs: Any):
    """POST like a browser form: with the CSRF token taken from a page."""
    payload = {"csrf_token": csrf_token(client), **(data or {})}
    return client.post(path, data=payload, **kwargs)


def multipart(fields: dict[str, str], file_field: str, filename: str, data: bytes,
              content_type: str = "application/octet-stream") -> tuple[bytes, str]:
    """A multipart body written by hand, as curl or a hostile client sends it: the claimed type and a
    file name with escaped quotes reach the server unchanged (Werkzeug's builder would rewrite them,
    and leaves a temporary file open for bodies over 500 KB)."""
    quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
    body = b"".join(f'--B\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items())
    body += (f'--B\r\nContent-Disposition: form-data; name="{file_field}"; filename="{quoted}"\r\n'
             f"Content-Type: {content_type}\r\n\r\n").encode() + data + b"\r\n--B--\r\n"
    return body, "multipart/form-data; boundary=B"


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    return post_form(client, "/login", {"username": username, "password": password})


class World:
    """A small company: two departments, each with a manager and an employee, plus HR and admin."""

    def __init__(self) -> None:
        self.machining = Department(code="MACH", name_zh="机加工车间", name_en="Machining workshop")
        self.assembly = Department(code="ASSY", name_zh="装配车间", name_en="Assembly workshop")
        db.session.add_all([self.machining, self.assembly])
        self.manager = self._person("M001", "赵经理", self.machining, "manager", Role.MANAGER)
        self.worker = self._person("E001", "李强", self.machining, "worker", Role.EMPLOYEE)
        self.other_manager = self._person("M002", "孙经理", self.assembly, "other.manager", Role.MANAGER)
        self.outsider = self._person("E002", "陈晓雨", self.assembly, "outsider", Role.EMPLOYEE)
        self.hr = self._person("H001", "王芳", self.machining, "hr", Role.HR)
        self.machining.manager = self.manager
        self.assembly.manager = self.other_manager
        self.admin = create_user("admin", PASSWORD, Role.ADMIN)
        db.session.commit()

    def _person(self, number: str, name: str, department: Department, username: str, role: Role) -> Employee:
        employee = Employee(
            number=number, name=name, hire_date=date(2024, 3, 1), department=department,
            contract_type=ContractType.REGULAR, preferred_locale="zh_CN",
        )
        db.session.add(employee)
        db.session.flush()
        create_user(username, PASSWORD, role, employee.id)
        return employee

    def user(self, username: str) -> User:
        return db.session.query(User).filter_by(username=username).one()


@pytest.fixture
def world(app: Flask) -> World:
    return World()


@pytest.fixture(scope="session")
def parsed_courses() -> list[CourseSource]:
    return load_courses(PROJECT_ROOT / "courses")


@pytest.fixture
def courses(app: Flask, parsed_courses: list[CourseSource]) -> dict[str, Course]:
    """The real course files, synced (parsed once per run: the files do not change during it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("portal.courses.operations.load_courses", lambda root: parsed_courses)
        sync_courses(PROJECT_ROOT / "courses", SYSTEM)
    return {c.slug: c for c in db.session.query(Course).all()}


def assign_course(course: Course, employee: Employee) -> Assignment:
    assignment = assign(course, employee, AssignmentReason.MANUAL, None, SYSTEM)
    db.session.commit()
    assert assignment is not None
    return assignment
