"""Two payroll servers send the same write with the same key at the same moment: it happens once."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from portal.api.models import IdempotentWrite
from portal.extensions import db
from portal.org.models import Employee

PERSON = {"name": "周敏", "hire_date": "2026-05-04", "department": "MACH"}


@pytest.fixture
def database_url(postgres_schema: str) -> str:
    """PostgreSQL: the only engine here on which two writers really overlap."""
    return postgres_schema


def test_the_same_key_at_once_writes_once(app, world, make_token):
    hr = make_token("hr", "org:write")
    start = threading.Barrier(4)
    answers: list[tuple[int, str | None]] = []

    def send() -> None:
        client = app.test_client()
        start.wait()
        response = client.put("/api/v1/employees/A0300", json=PERSON, headers={**hr, "Idempotency-Key": "same"})
        answers.append((response.status_code, response.headers.get("Idempotent-Replayed", "")))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [(200, ""), (200, "true"), (200, "true"), (200, "true")]
    assert db.session.execute(sa.select(sa.func.count()).select_from(Employee)
                              .where(Employee.number == "A0300")).scalar_one() == 1
    assert db.session.execute(sa.select(sa.func.count()).select_from(IdempotentWrite)).scalar_one() == 1
