"""Every route × every role, against one table.

A route that is not in ``EXPECTED`` fails ``test_every_route_has_a_decision``: adding a view means
deciding here who may use it.
"""

from __future__ import annotations

import pytest

from portal.auth.access import PUBLIC
from tests.conftest import csrf_token, login

ROLES = ("anonymous", "worker", "outsider", "manager", "other.manager", "hr", "admin")
LOGIN = "login"  # a redirect to the sign-in page

# endpoint -> (method, url template, form data, {role: expected status})
# {worker} is the machining worker's employee id, {worker_user} their account id.
EXPECTED: dict[str, tuple[str, str, dict[str, str], dict[str, int | str]]] = {
    "static": ("GET", "/static/css/portal.css", {}, dict.fromkeys(ROLES, 200)),
    "health.healthz": ("GET", "/healthz", {}, dict.fromkeys(ROLES, 200)),
    "auth.login": ("GET", "/login", {}, {**dict.fromkeys(ROLES, 302), "anonymous": 200}),
    "auth.reset_password": ("GET", "/reset/not-a-token", {}, dict.fromkeys(ROLES, 404)),
    "home.set_locale": ("POST", "/locale", {"locale": "en", "next": "/"}, dict.fromkeys(ROLES, 303)),
    "auth.logout": ("POST", "/logout", {}, {**dict.fromkeys(ROLES, 303), "anonymous": LOGIN}),
    "auth.change_password": ("GET", "/account/password", {}, {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    "home.index": ("GET", "/", {}, {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    "org.me": ("GET", "/me", {}, {**dict.fromkeys(ROLES, 302), "anonymous": LOGIN, "admin": 404}),
    "org.employees": (
        "GET", "/employees", {},
        {"anonymous": LOGIN, "worker": 403, "outsider": 403, "manager": 200, "other.manager": 200, "hr": 200, "admin": 200},
    ),
    "org.employee": (
        "GET", "/employees/{worker}", {},
        {"anonymous": LOGIN, "worker": 200, "outsider": 403, "manager": 200, "other.manager": 403, "hr": 200, "admin": 200},
    ),
    "org.create_employee": (
        "GET", "/employees/new", {},
        {"anonymous": LOGIN, "worker": 403, "outsider": 403, "manager": 403, "other.manager": 403, "hr": 200, "admin": 200},
    ),
    "org.update_employee": (
        "GET", "/employees/{worker}/edit", {},
        {"anonymous": LOGIN, "worker": 403, "outsider": 403, "manager": 403, "other.manager": 403, "hr": 200, "admin": 200},
    ),
    "auth.issue_reset_link": (
        "POST", "/accounts/{worker_user}/reset-link", {},
        {"anonymous": LOGIN, "worker": 403, "outsider": 403, "manager": 403, "other.manager": 403, "hr": 200, "admin": 200},
    ),
}


def test_every_route_has_a_decision(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(EXPECTED), "decide who may use each new route, in EXPECTED"
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            assert getattr(view, "access_action", None), f"{endpoint} has no @public or @requires"


def test_public_routes_are_exactly_the_expected_ones(app):
    public = {e for e, v in app.view_functions.items() if getattr(v, "access_action", None) == PUBLIC}
    assert public == {"auth.login", "auth.reset_password", "home.set_locale", "health.healthz"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_route_by_role(client, world, endpoint, role):
    method, template, data, outcomes = EXPECTED[endpoint]
    if role != "anonymous":
        assert login(client, role).status_code == 303
    url = template.format(worker=world.worker.id, worker_user=world.user("worker").id)
    if method == "POST":
        response = client.post(url, data={"csrf_token": csrf_token(client), **data})
    else:
        response = client.get(url)
    response.close()
    expected = outcomes[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:500]
