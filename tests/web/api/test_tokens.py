"""Tokens: created and revoked by admin, shown once, stored hashed, last use recorded, scoped, rate
limited per token; the browser session is never an API credential."""

from __future__ import annotations

import hashlib
import re

import pytest
import sqlalchemy as sa

from portal.api.models import ApiToken
from portal.auth.models import AuditEntry
from portal.extensions import db
from tests.conftest import csrf_token, login

SECRET = re.compile(r'<code id="new-token">(ipt_[A-Za-z0-9_-]+)</code>')


def test_admin_creates_a_token_shown_once_and_revokes_it(client, world):
    assert login(client, "admin").status_code == 303
    page = client.post("/admin/api/tokens", data={"csrf_token": csrf_token(client, "/admin/api/tokens"),
                                                  "name": "Payroll", "account": world.user("hr").id,
                                                  "scopes": ["payroll:read", "cases:read"]})
    assert page.status_code == 200
    secret = SECRET.search(page.get_data(as_text=True)).group(1)
    token = db.session.execute(sa.select(ApiToken)).scalar_one()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in token.token_hash
    assert token.scope_set == {"payroll:read", "cases:read"} and token.user_id == world.user("hr").id
    assert secret not in client.get("/admin/api/tokens").get_data(as_text=True)  # shown once
    assert token.last_used_at is None

    answer = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    db.session.refresh(token)
    assert token.last_used_at is not None

    revoked = client.post(f"/admin/api/tokens/{token.id}/revoke",
                          data={"csrf_token": csrf_token(client, "/admin/api/tokens")})
    assert revoked.status_code == 303
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    actions = db.session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert actions[-2:] == ["api_token_created", "api_token_revoked"]


def test_a_token_acts_as_a_manager_hr_or_admin_never_as_an_employee_s_own_account(client, world):
    assert login(client, "admin").status_code == 303
    page = client.get("/admin/api/tokens").get_data(as_text=True)
    offered = set(re.findall(r'<option[^>]*value="(\d+)"', page))
    assert offered == {str(world.user(name).id) for name in ("admin", "hr", "manager", "other.manager")}

    refused = client.post("/admin/api/tokens", data={"csrf_token": csrf_token(client, "/admin/api/tokens"),
                                                     "name": "Payroll", "account": world.user("worker").id,
                                                     "scopes": ["payroll:read"]})
    assert refused.status_code == 422 and db.session.execute(sa.select(ApiToken)).first() is None


def test_a_form_without_scopes_is_refused(client, world):
    assert login(client, "admin").status_code == 303
    page = client.post("/admin/api/tokens", data={"csrf_token": csrf_token(client, "/admin/api/tokens"),
                                                  "name": "Payroll", "account": world.user("hr").id})
    assert page.status_code == 422 and db.session.execute(sa.select(ApiToken)).first() is None


def test_a_signed_in_browser_session_is_not_an_api_credential(client, world, make_token):
    assert login(client, "hr").status_code == 303
    assert client.get("/employees").status_code == 200
    answer = client.get("/api/v1/employees")
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    # Writes need no CSRF token (there is no cookie to ride on) but a token of their own.
    assert client.put("/api/v1/employees/E009", json={}, headers={"Idempotency-Key": "x"}).status_code == 401
    assert client.get("/api/v1/employees", headers={"Authorization": "Bearer ipt_not-a-token"}).status_code == 401


def test_a_deactivated_account_takes_its_tokens_with_it(client, world, make_token):
    headers = make_token("manager", "org:read")
    assert client.get("/api/v1/employees", headers=headers).status_code == 200
    world.user("manager").is_enabled = False
    db.session.commit()
    assert client.get("/api/v1/employees", headers=headers).status_code == 401


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"RATELIMIT_ENABLED": True}


def test_each_token_has_its_own_rate_limit(client, world, make_token):
    slow = make_token("hr", "org:read", rate_limit="3 per minute")
    other = make_token("hr", "org:read", rate_limit="3 per minute")
    assert [client.get("/api/v1/departments", headers=slow).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = client.get("/api/v1/departments", headers=slow)
    assert limited.mimetype == "application/problem+json" and "Retry-After" in limited.headers
    assert client.get("/api/v1/departments", headers=other).status_code == 200
