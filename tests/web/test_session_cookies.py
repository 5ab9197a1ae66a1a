"""A session cookie's signature is checked once per process (``portal.web.sessions``) and a signed
CSRF token is reused for a few minutes (``portal.web.csrf_tokens``): a request may do exactly what
it could before, a forged or expired cookie is refused every time, and a request that changes its
session changes only its own copy. Both engines."""

from __future__ import annotations

import re
import time

from flask import g, request, session
from itsdangerous import URLSafeTimedSerializer

from portal.web import csrf_tokens, sessions
from tests.conftest import CSRF_PATTERN, login

HTMX_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


def _signature_checks(monkeypatch) -> list[str]:
    checked: list[str] = []
    check = URLSafeTimedSerializer.loads

    def counted(self, cookie, *args, **kwargs):
        checked.append(cookie)
        return check(self, cookie, *args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, "loads", counted)
    return checked


def test_a_cookie_is_checked_once_then_taken_as_it_was_signed(client, world, monkeypatch):
    login(client, "worker")
    client.get("/learning/")  # the first page may still add to the session (its CSRF token)
    client.get("/learning/")
    checked = _signature_checks(monkeypatch)
    for _ in range(3):
        page = client.get("/learning/")
        assert page.status_code == 200 and "李强" in page.get_data(as_text=True)
    assert checked == []


def test_an_altered_cookie_is_refused_every_time(client, world, monkeypatch):
    login(client, "worker")
    assert client.get("/learning/").status_code == 200
    cookie = client.get_cookie("session").value
    position = len(cookie) // 2
    altered = cookie[:position] + ("A" if cookie[position] != "A" else "B") + cookie[position + 1:]
    checked = _signature_checks(monkeypatch)
    for _ in range(2):
        client.set_cookie("session", altered)
        assert client.get("/learning/").status_code == 302  # to the sign-in page
    assert checked == [altered, altered]
    client.set_cookie("session", cookie)
    assert client.get("/learning/").status_code == 200


def test_a_kept_cookie_expires_with_the_session_lifetime(app, client, world, monkeypatch):
    login(client, "worker")
    assert client.get("/learning/").status_code == 200
    lifetime = app.permanent_session_lifetime.total_seconds()

    class Later:
        @staticmethod
        def time() -> float:
            return time.time() + lifetime + 60

    monkeypatch.setattr(sessions, "time", Later)
    assert client.get("/learning/").status_code == 302


def test_a_request_changes_only_its_own_copy_of_a_kept_session(app):
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = serializer.dumps({"_flashes": [("info", "已保存")], "locale": "zh_CN"})
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        first = app.session_interface.open_session(app, request)
        first["_flashes"].append(("info", "又一条"))
        first["locale"] = "en"
        second = app.session_interface.open_session(app, request)
    assert second == {"_flashes": [("info", "已保存")], "locale": "zh_CN"}


def test_a_session_of_plain_values_is_copied_for_each_request(app):
    """A signed-in session's usual content (texts, numbers, flags) is kept parsed and each request
    gets its own copy: what one request sets or removes never reaches the next."""
    serializer = app.session_interface.get_signing_serializer(app)
    content = {"_user_id": "7:abc", "_fresh": True, "csrf_token": "t", "locale": "zh_CN", "count": 2, "none": None}
    cookie = serializer.dumps(content)
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        first = app.session_interface.open_session(app, request)
        assert first == content
        first["locale"] = "en"
        del first["_fresh"]
        first["_flashes"] = [("info", "已保存")]
        second = app.session_interface.open_session(app, request)
        assert second == content and second is not first
        second["count"] += 1
        assert app.session_interface.open_session(app, request) == content


def test_pages_reuse_the_signed_token_which_forms_accept(client, world, monkeypatch):
    login(client, "worker")
    first = HTMX_TOKEN.search(client.get("/learning/").get_data(as_text=True)).group(1)
    signed: list[object] = []
    sign = URLSafeTimedSerializer.dumps
    monkeypatch.setattr(URLSafeTimedSerializer, "dumps", lambda self, *a, **k: signed.append(a) or sign(self, *a, **k))
    pages = [client.get(path).get_data(as_text=True) for path in ("/learning/", "/notices/", "/account/password")]
    assert signed == []
    assert {HTMX_TOKEN.search(page).group(1) for page in pages} == {first}
    assert CSRF_PATTERN.search(pages[2]).group(1) == first  # a form's hidden field carries the same
    answer = client.post("/locale", data={"csrf_token": first, "locale": "en", "next": "/learning/"})
    assert answer.status_code in (302, 303)


def test_a_token_is_signed_anew_after_the_reuse_window(client, world, monkeypatch):
    login(client, "worker")
    first = HTMX_TOKEN.search(client.get("/learning/").get_data(as_text=True)).group(1)

    class Later:
        @staticmethod
        def time() -> float:
            return time.time() + csrf_tokens.REUSED_FOR

    monkeypatch.setattr(csrf_tokens, "time", Later)
    signed: list[object] = []
    sign = URLSafeTimedSerializer.dumps
    monkeypatch.setattr(URLSafeTimedSerializer, "dumps", lambda self, *a, **k: signed.append(a) or sign(self, *a, **k))
    second = HTMX_TOKEN.search(client.get("/learning/").get_data(as_text=True)).group(1)
    assert len(signed) == 1
    for token in (first, second):  # both stay valid for the session
        assert client.post("/locale", data={"csrf_token": token, "locale": "en", "next": "/"}).status_code in (302, 303)


def test_a_token_signed_before_the_session_changed_is_not_reused(app, client, world):
    """Signing in starts a fresh session (a new token) after the request's token was signed: the old
    one is not remembered for the new session's token."""
    login(client, "worker")
    client.get("/learning/")
    old = HTMX_TOKEN.search(client.get("/learning/").get_data(as_text=True)).group(1)
    cookie = client.get_cookie("session").value
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        session["csrf_token"] = "a fresh session's token"
        g.csrf_token = old
        csrf_tokens._remember_signed_token(app.response_class())
        assert csrf_tokens._key("a fresh session's token") not in csrf_tokens._signed


def test_the_request_token_read_directly_is_flask_wtfs(app):
    """``request_token`` gives what ``generate_csrf`` gives: signing one when the request has none yet,
    then the same one, and the value a view set in its place while drawing kept HTML."""
    from flask_wtf.csrf import generate_csrf

    with app.test_request_context("/"):
        first = csrf_tokens.request_token()
        assert first == generate_csrf() == csrf_tokens.request_token() and session["csrf_token"]
        g.csrf_token = "stand-in"
        assert csrf_tokens.request_token() == generate_csrf() == "stand-in"
