"""HSTS only behind HTTPS (every other header is asserted on every route by the route matrix); NUL
characters refused before they reach the database."""

from __future__ import annotations

import pytest

from tests.conftest import make_app


@pytest.mark.parametrize("secure", [True, False])
def test_hsts_follows_the_secure_cookie_setting(secure):
    app = make_app("sqlite://", SESSION_COOKIE_SECURE=secure)
    response = app.test_client().get("/healthz")
    assert ("Strict-Transport-Security" in response.headers) is secure
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached_but_not_sniffed():
    response = make_app("sqlite://").test_client().get("/static/js/portal.js")
    assert response.headers["X-Content-Type-Options"] == "nosniff" and "no-store" not in response.headers.get(
        "Cache-Control", "")
    response.close()


def test_a_nul_character_is_refused_with_a_message_on_both_engines(client, world):
    from tests.conftest import csrf_token

    response = client.post("/login", data={"csrf_token": csrf_token(client), "username": "a\x00b", "password": "x"})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    assert client.get("/employees?q=%00").status_code == 400


NUL_PATHS = ["/learning/a%00b", "/learning/receipts/a%00b", "/records/courses/a%00b", "/notices/receipts/a%00b",
             "/workbench/export/a%00b.csv", "/reset/a%00b", "/employees?q=ok&q=%00", "/employees?a%00=1"]


@pytest.mark.parametrize("role", ["hr", "worker"])
def test_a_nul_character_in_the_path_a_repeated_key_or_a_header_is_refused(client, world, courses, role):
    from tests.conftest import csrf_token, login

    login(client, role)
    for path in NUL_PATHS:
        response = client.get(path)
        assert response.status_code == 400 and "NUL" in response.get_data(as_text=True), path
    token = csrf_token(client, "/")
    refused = client.post("/learning/injury-basics/acknowledge", data={"csrf_token": token, "typed_name": "李强"},
                          headers={"User-Agent": "Mozilla/5.0\x00"})
    assert refused.status_code == 400  # the User-Agent is stored with an acknowledgement



def test_error_responses_carry_the_headers_too(app, client):
    from tests.web.security_checks import assert_security_headers

    app.add_url_rule("/explode", "explode", lambda: 1 / 0)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    responses = {
        "not found": client.get("/no-such-page"), "method": client.put("/login"),
        "too large": client.post("/login", data={"username": "x" * (3 * 1024 * 1024)}),
        "no CSRF token": client.post("/login", data={"username": "a", "password": "b"}),
        "unexpected": client.get("/explode"), "API not found": client.get("/api/v1/no-such-operation"),
        "API without token": client.get("/api/v1/employees"),
    }
    for what, response in responses.items():
        assert response.status_code >= 400, what
        assert_security_headers(response, what)
