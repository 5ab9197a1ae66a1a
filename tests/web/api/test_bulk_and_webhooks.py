"""A thousand employees in one bulk call, repeated with the same key, and the signed webhooks for
their course assignments arriving at a local receiver."""

from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa

from portal.auth.models import AuditEntry
from portal.courses.models import Assignment
from portal.evidence.models import EvidenceEvent
from portal.extensions import db
from portal.org.models import Employee
from portal.webhooks import signing
from portal.webhooks.models import Delivery
from tests.web.api.conftest import write


@pytest.fixture
def database_url() -> str:
    """SQLite only: a thousand hires cost half a minute per engine; both engines run the same code
    with a few records in test_employees.py."""
    return "sqlite://"


def _counts() -> tuple[int, int, int]:
    return tuple(db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                 for table in (Employee, Assignment, EvidenceEvent))  # type: ignore[return-value]


def test_thousand_employees_once_with_signed_assignment_webhooks(client, world, courses, make_token, receiver):
    admin = make_token("admin", "org:write", "webhooks:write")
    subscribed = write(client, "POST", "/api/v1/webhooks", admin,
                       {"url": receiver.url, "events": ["course.assigned"]}, "subscribe-1")
    assert subscribed.status_code == 201
    secret = subscribed.get_json()["secret"]
    people = [{"number": f"N{n:05d}", "name": f"员工{n}", "hire_date": "2026-06-01", "department": "ASSY",
               "contract_type": "short_term" if n % 10 == 0 else "regular"} for n in range(1000)]

    first = write(client, "POST", "/api/v1/employees/bulk", admin, {"employees": people}, "hire-2026-06")
    assert first.status_code == 200, first.get_data(as_text=True)[:500]
    assert first.get_json() == {"created": 1000, "updated": 0, "unchanged": 0}
    before = _counts()
    assignments = db.session.execute(sa.select(Assignment).join(Employee).where(Employee.number.like("N%"))).scalars().all()
    assert len(assignments) >= 1000  # onboarding courses for each hire

    again = write(client, "POST", "/api/v1/employees/bulk", admin, {"employees": people}, "hire-2026-06")
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert _counts() == before

    received = {r["json"]["id"]: r for r in receiver.received}
    assert len(received) == len(receiver.received) == len(assignments)
    now = int(time.time())
    for delivery in received.values():
        assert delivery["json"]["kind"] == "course.assigned"
        assert signing.verify(secret, delivery["headers"][signing.SIGNATURE_HEADER], delivery["raw"], now)
        assert not signing.verify("another secret", delivery["headers"][signing.SIGNATURE_HEADER], delivery["raw"], now)
    per_employee = {}
    for delivery in received.values():
        per_employee.setdefault(delivery["json"]["employee"], set()).add(delivery["json"]["data"]["content"])
    expected = {}
    for assignment in assignments:
        expected.setdefault(assignment.employee.number, set()).add(f"course:{assignment.course.slug}")
    assert per_employee == expected
    assert db.session.execute(sa.select(sa.func.count()).select_from(Delivery)
                              .where(Delivery.delivered_at.is_not(None))).scalar_one() == len(assignments)
    writes = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "api_write")).scalars().all()
    assert [json.loads(w.detail_json)["key"] for w in writes] == ["subscribe-1", "hire-2026-06"]

