"""Every API operation × every kind of token, against one table.

A token works only within its scopes, and never beyond what its account may see on the pages: the
account's role decides through the same policy. An operation missing from ``EXPECTED`` fails
``test_every_api_operation_has_a_decision``.
"""

from __future__ import annotations

from portal.api import tokens
from portal.api import routes as _api_routes  # noqa: F401  (registers the operations)
from portal.api.endpoint import OPERATIONS
from portal.evidence import operations as evidence_operations
from portal.evidence.pack import PackScope
from portal.extensions import db
from portal.webhooks import operations as webhooks
from tests.web.cases.route_expectations import prepare_cases
from tests.web.security_checks import assert_security_headers

ACCOUNTS = ("worker", "manager", "other.manager", "hr", "admin")
HR = {"worker": 403, "manager": 403, "other.manager": 403, "hr": 200, "admin": 200}
READERS = {"worker": 403, "manager": 200, "other.manager": 200, "hr": 200, "admin": 200}
# The machining worker's own record and case: their manager yes, the other department's manager no.
OWN_DEPARTMENT = {"worker": 200, "manager": 200, "other.manager": 404, "hr": 200, "admin": 200}
# Evidence packs: employees their own, HR and admin anyone's (managers only their own, as on the pages).
OWN_PACK = {"worker": 200, "manager": 404, "other.manager": 404, "hr": 200, "admin": 200}
PERSON = {"name": "李强", "hire_date": "2024-03-01", "department": "MACH"}

# endpoint -> (scope, method, path, body, {account: status})
EXPECTED = {
    "departments": ("org:read", "GET", "/api/v1/departments", None, READERS),
    "put_department": ("org:write", "PUT", "/api/v1/departments/QA", {"name_zh": "质检部"}, HR),
    "employees": ("org:read", "GET", "/api/v1/employees", None, READERS),
    "employee": ("org:read", "GET", "/api/v1/employees/E001", None, OWN_DEPARTMENT),
    "put_employee": ("org:write", "PUT", "/api/v1/employees/E001", PERSON, HR),
    "bulk_employees": ("org:write", "POST", "/api/v1/employees/bulk",
                       {"employees": [{**PERSON, "number": "E001"}]}, HR),
    "leave": ("org:write", "POST", "/api/v1/employees/E002/leave", {"left_date": "2026-06-30"}, HR),
    "bulk_wages": ("wages:write", "POST", "/api/v1/wage-months/bulk",
                   {"wage_months": [{"employee": "E002", "year": 2026, "month": 1, "wage": "4800.00"}]},
                   {**HR, "admin": 422}),  # admin sends the same month again: already on record
    "course_assignments": ("learning:read", "GET", "/api/v1/course-assignments", None, READERS),
    "notice_assignments": ("learning:read", "GET", "/api/v1/notice-assignments", None, HR),
    "receipts": ("learning:read", "GET", "/api/v1/employees/E001/receipts", None, OWN_DEPARTMENT),
    "case_list": ("cases:read", "GET", "/api/v1/cases", None, {**READERS, "worker": 403}),
    "case_detail": ("cases:read", "GET", "/api/v1/cases/{case}", None, {**OWN_DEPARTMENT, "worker": 403}),
    "payroll_actions": ("payroll:read", "GET", "/api/v1/payroll/actions?month=2026-09", None, READERS),
    "request_pack": ("evidence:read", "POST", "/api/v1/evidence-packs", {"employee": "E001"},
                     {**OWN_PACK, "worker": 202, "manager": 422, "other.manager": 422, "hr": 202, "admin": 202}),
    "pack_status": ("evidence:read", "GET", "/api/v1/evidence-packs/{pack}", None, OWN_PACK),
    "pack_download": ("evidence:read", "GET", "/api/v1/evidence-packs/{pack}/download", None,
                      {**OWN_PACK, "worker": 409, "hr": 409, "admin": 409}),  # still being built
    "webhook_list": ("webhooks:write", "GET", "/api/v1/webhooks", None, HR),
    "subscribe": ("webhooks:write", "POST", "/api/v1/webhooks",
                  {"url": "http://127.0.0.1:9/hooks", "events": ["case.opened"]}, {**HR, "hr": 201, "admin": 201}),
    "unsubscribe": ("webhooks:write", "POST", "/api/v1/webhooks/{subscription}/cancel", None, HR),
}


def test_every_api_operation_has_a_decision():
    assert {op.endpoint for op in OPERATIONS} == set(EXPECTED)
    assert all(op.scope == EXPECTED[op.endpoint][0] for op in OPERATIONS)


def test_operation_by_token(client, world):
    place = {"case": prepare_cases(world)["case"],
             "subscription": webhooks.subscribe("http://127.0.0.1:9/x", ["case.opened"], world.admin).id,
             "pack": evidence_operations.request_pack(world.worker.id, world.user("hr").id, PackScope()).id}
    db.session.commit()
    full = {}
    for account in ACCOUNTS:
        _token, secret = tokens.create_token(account, world.user(account), set(tokens.SCOPES), world.admin)
        full[account] = secret
    _token, unscoped = tokens.create_token("none", world.user("admin"), {"org:read"}, world.admin)
    db.session.commit()
    seen = {}
    for endpoint, (scope, method, template, body, outcomes) in EXPECTED.items():
        path = template.format(**place)
        for account, secret in [*full.items(), ("no token", None), ("wrong scope", unscoped)]:
            headers = {"Idempotency-Key": f"{endpoint}-{account}"}
            if secret:
                headers["Authorization"] = f"Bearer {secret}"
            response = client.open(path, method=method, json=body, headers=headers)
            assert_security_headers(response, endpoint)
            seen[(endpoint, account)] = response.status_code
    expected = {(e, a): o[4][a] for e, o in EXPECTED.items() for a in ACCOUNTS}
    expected |= {(e, "no token"): 401 for e in EXPECTED}
    expected |= {(e, "wrong scope"): 200 if o[0] == "org:read" else 403 for e, o in EXPECTED.items()}
    assert seen == expected
