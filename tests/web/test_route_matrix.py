"""Every route × every role, against one table.

A route that is not in ``EXPECTED`` fails ``test_every_route_has_a_decision``: adding a view means
deciding here who may use it.
"""

from __future__ import annotations

import pytest

from portal.auth.access import PUBLIC
from portal.demo.operations import walk_through_course
from portal.api import routes as _api_routes  # noqa: F401  (registers the operations)
from portal.api.endpoint import OPERATIONS
from tests.web.accounts.route_expectations import ACCOUNT_EXPECTED
from tests.web.api.route_expectations import API_PAGES_EXPECTED
from tests.web.cases.route_expectations import CASE_EXPECTED, prepare_cases
from tests.web.evidence.route_expectations import EVIDENCE_EXPECTED, prepare_evidence
from tests.web.notices.route_expectations import NOTICE_EXPECTED, prepare_notices
from tests.web.route_roles import (EVERYONE, HR_ONLY, HR_POST, LOGIN, MANAGERS_AND_HR, MINE_ONLY, ROLES,
                                   SELF_MANAGER_AND_HR, Expectation)
from tests.web.workbench.route_expectations import WORKBENCH_EXPECTED, prepare_workbench
from tests.conftest import assign_course, csrf_token, login
from tests.web.security_checks import assert_security_headers

# endpoint -> (method, url template, form data, {role: expected status})
# {worker} is the machining worker's employee id, {worker_user} their account id.
EXPECTED: dict[str, tuple[str, str, dict[str, str], Expectation]] = {
    "static": ("GET", "/static/css/portal.css", {}, dict.fromkeys(ROLES, 200)),
    "health.healthz": ("GET", "/healthz", {}, dict.fromkeys(ROLES, 200)),
    "health.favicon": ("GET", "/favicon.ico", {}, dict.fromkeys(ROLES, 301)),
    "auth.login": ("GET", "/login", {}, {**dict.fromkeys(ROLES, 302), "anonymous": 200}),
    "auth.reset_password": ("GET", "/reset/not-a-token", {}, dict.fromkeys(ROLES, 404)),
    "home.set_locale": ("POST", "/locale", {"locale": "en", "next": "/"}, dict.fromkeys(ROLES, 303)),
    "auth.logout": ("POST", "/logout", {}, {**dict.fromkeys(ROLES, 303), "anonymous": LOGIN}),
    "auth.change_password": ("GET", "/account/password", {}, EVERYONE),
    "home.index": ("GET", "/", {}, EVERYONE),
    "org.me": ("GET", "/me", {}, {**dict.fromkeys(ROLES, 302), "anonymous": LOGIN, "admin": 404}),
    "org.employees": (
        "GET", "/employees", {},
        MANAGERS_AND_HR,
    ),
    "org.employee": (
        "GET", "/employees/{worker}", {},
        SELF_MANAGER_AND_HR,
    ),
    "org.create_employee": (
        "GET", "/employees/new", {},
        HR_ONLY,
    ),
    "org.update_employee": (
        "GET", "/employees/{worker}/edit", {},
        HR_ONLY,
    ),
    "courses.index": ("GET", "/learning/", {}, {**EVERYONE, "admin": 404}),
    "courses.course": ("GET", "/learning/injury-basics", {}, {**MINE_ONLY, "worker": 200}),
    "courses.lesson": ("GET", "/learning/injury-basics/lessons/1", {}, {**MINE_ONLY, "worker": 200}),
    "courses.read": ("POST", "/learning/injury-basics/lessons/1/read", {}, {**MINE_ONLY, "worker": 422}),
    "courses.quiz": ("GET", "/learning/injury-basics/quiz", {}, {**MINE_ONLY, "worker": 200}),
    "courses.acknowledge": ("GET", "/learning/injury-basics/acknowledge", {}, {**MINE_ONLY, "worker": 200}),
    "courses.receipt": (
        "GET", "/learning/receipts/{receipt}", {},
        SELF_MANAGER_AND_HR,
    ),
    "course_records.index": ("GET", "/records/courses/", {}, MANAGERS_AND_HR),
    "course_records.detail": ("GET", "/records/courses/injury-basics", {}, MANAGERS_AND_HR),
    "course_records.export": ("GET", "/records/courses/injury-basics/export.csv", {}, MANAGERS_AND_HR),
    "renewals.index": ("GET", "/records/renewals/", {}, MANAGERS_AND_HR),
    "history.as_of": (
        "GET", "/history/{worker}?on=2026-01-05", {},
        {"anonymous": LOGIN, "worker": 200, "outsider": 403, "manager": 403, "other.manager": 403, "hr": 200, "admin": 200},
    ),
    "history.record": (
        "POST", "/history/{worker}/record?on=2026-01-05", {},
        {"anonymous": LOGIN, "worker": 303, "outsider": 403, "manager": 403, "other.manager": 403, "hr": 303, "admin": 303},
    ),
    "course_records.employee": (
        "GET", "/records/courses/injury-basics/employees/{worker}", {},
        {"anonymous": LOGIN, "worker": 403, "outsider": 403, "manager": 200, "other.manager": 403, "hr": 200, "admin": 200},
    ),
    "course_records.assign": (
        "POST", "/records/courses/injury-basics/assign", {"employee_numbers": "E002"},
        HR_POST,
    ),
    "privacy.index": ("GET", "/privacy/", {}, EVERYONE),
    "privacy.my_data": ("GET", "/privacy/my-data.json", {}, {**EVERYONE, "admin": 404}),
    "privacy.retention_settings": (
        "POST", "/privacy/retention", {"scan_years": "5", "pack_days": "14"},
        HR_POST,
    ),
    "auth.issue_reset_link": (
        "POST", "/accounts/{worker_user}/reset-link", {},
        HR_ONLY,
    ),
}


EXPECTED["jobs.index"] = ("GET", "/jobs/", {}, HR_ONLY)
EXPECTED.update(NOTICE_EXPECTED)
EXPECTED.update(EVIDENCE_EXPECTED)
EXPECTED.update(CASE_EXPECTED)
EXPECTED.update(WORKBENCH_EXPECTED)
EXPECTED.update(ACCOUNT_EXPECTED)
EXPECTED.update(API_PAGES_EXPECTED)
# Token-authenticated API operations: tests/web/api/test_scope_matrix.py covers each of them.
API_OPERATIONS = {f"api.{op.endpoint}" for op in OPERATIONS}


def test_every_route_has_a_decision(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - API_OPERATIONS
    assert endpoints == set(EXPECTED), "decide who may use each new route, in EXPECTED"
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            assert getattr(view, "access_action", None), f"{endpoint} has no @public or @requires"


def test_public_routes_are_exactly_the_expected_ones(app):
    public = {e for e, v in app.view_functions.items() if getattr(v, "access_action", None) == PUBLIC}
    assert public == {"auth.login", "auth.reset_password", "auth.activate", "auth.sso_login", "auth.sso_callback",
                      "home.set_locale", "health.healthz", "health.favicon", "api.openapi", "api.reference",
                      "evidence.log_heads", "evidence.log_consistency"}


def prepare_url(world, courses, endpoint: str) -> str:
    """The records the endpoint's URL names, created; the URL filled in."""
    template = EXPECTED[endpoint][1]
    assignment = assign_course(courses["injury-basics"], world.worker)
    receipt = walk_through_course(assignment, world.user("worker").id).receipt_number if "{receipt}" in template else ""
    extra = {}
    if endpoint in NOTICE_EXPECTED:
        extra = prepare_notices(world)
    elif endpoint in EVIDENCE_EXPECTED:
        extra = prepare_evidence(world)
    elif endpoint in CASE_EXPECTED:
        extra = prepare_cases(world)
    elif endpoint in WORKBENCH_EXPECTED:
        extra = prepare_workbench(world)
    return template.format(worker=world.worker.id, worker_user=world.user("worker").id, receipt=receipt, **extra)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_route_by_role(client, world, courses, endpoint, role):
    method, template, data, outcomes = EXPECTED[endpoint]
    if role != "anonymous":
        assert login(client, role).status_code == 303
    url = prepare_url(world, courses, endpoint)
    if method == "POST":
        response = client.post(url, data={"csrf_token": csrf_token(client), **data})
    else:
        response = client.get(url)
    assert_security_headers(response, endpoint)
    response.close()
    expected = outcomes[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:500]
