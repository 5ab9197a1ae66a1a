"""Bodies no integration sends but an attacker does: each is a 4xx problem, never a 5xx, and writes nothing."""

from __future__ import annotations

import json

import pytest

from tests.conftest import table_counts

BODIES = [
    ("application/json", b"[" * 100_000 + b"]" * 100_000, 400),  # nesting past Python's recursion limit
    ("application/json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, 400),
    ("application/json", b"\xff\xfe\x00 not UTF-8", 400),
    ("application/json", b"9" * 5000, 400),  # past Python's integer digit limit
    ("application/json", json.dumps({"name": "工伤" * 50_000}).encode(), 422),
    ("text/plain", b"{}", 415),
    ("application/x-www-form-urlencoded", b"name=x", 415),
]


@pytest.mark.parametrize("content_type,body,status", BODIES)
def test_hostile_bodies_are_refused_on_every_write(client, world, make_token, content_type, body, status):
    headers = make_token("hr", "org:write", "org:read")
    before = table_counts()
    writes = [("PUT", "/api/v1/employees/A0200"), ("POST", "/api/v1/employees/A0200/leave"), ("PUT", "/api/v1/departments/X1")]
    for number, (method, path) in enumerate(writes):
        response = client.open(path, method=method, data=body,
                               headers={**headers, "Content-Type": content_type, "Idempotency-Key": f"k{number}"})
        assert response.status_code == status, (path, response.get_data()[:200])
        assert response.mimetype == "application/problem+json"
    assert {k: v for k, v in table_counts().items() if k != "api_tokens"} == {
        k: v for k, v in before.items() if k != "api_tokens"}


def test_a_nul_character_reaches_no_api_lookup_or_record(client, world, make_token):
    headers = make_token("hr", "org:write", "org:read")
    assert client.get("/api/v1/employees/A%00B", headers=headers).status_code == 400
    assert client.get("/api/v1/employees/A%00B").status_code == 401  # without a token: authentication comes first
    response = client.put("/api/v1/employees/A0200", headers={**headers, "Idempotency-Key": "k1"},
                          json={"name": "周\u0000敏", "hire_date": "2025-03-01", "department": "MACH",
                                "contract_type": "regular"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert client.put("/api/v1/employees/A0200", headers={**headers, "Idempotency-Key": "k\x002"},
                      json={}).status_code == 400
