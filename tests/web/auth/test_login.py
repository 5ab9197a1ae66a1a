"""Sign-in, sign-out, rate limiting, CSRF and the unauthorized handler."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from portal.auth.models import User
from portal.extensions import db
from tests.conftest import PASSWORD, csrf_token, login, post_form


def test_login_page_is_chinese_by_default(client):
    page = client.get("/login")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert '<html lang="zh-CN">' in body
    assert "登录" in body


def test_correct_password_signs_in_and_records_the_time(client, world):
    response = login(client, "worker")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "李强" in home.get_data(as_text=True)
    assert world.user("worker").last_login_at is not None


@pytest.mark.parametrize("username,password", [("worker", "wrong password!"), ("nobody", PASSWORD)])
def test_wrong_password_and_unknown_user_get_the_same_localized_message(client, world, username, password):
    response = login(client, username, password)
    assert response.status_code == 422
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_empty_and_oversized_fields_name_the_field(client, world):
    response = post_form(client, "/login", {"username": "x" * 65, "password": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "最多 64 个字符" in body
    assert "请输入密码" in body
    assert "Traceback" not in body


def test_passwords_are_stored_hashed(world):
    user = world.user("worker")
    assert PASSWORD not in user.password_hash
    assert check_password_hash(user.password_hash, PASSWORD)


def test_production_hashing_is_scrypt():
    from portal.config import DefaultConfig

    assert DefaultConfig.PASSWORD_HASH_METHOD == "scrypt"


def test_safe_next_redirect_is_followed(client, world):
    token = csrf_token(client)
    response = client.post(
        "/login?next=/employees/1", data={"csrf_token": token, "username": "hr", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/employees/1"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_unsafe_next_redirect_goes_home(client, world, target):
    token = csrf_token(client)
    response = client.post(
        "/login", query_string={"next": target}, data={"csrf_token": token, "username": "hr", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_login_without_csrf_token_is_refused(client, world):
    response = client.post("/login", data={"username": "worker", "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_csrf_token_is_accepted_from_the_htmx_header(client, world):
    token = csrf_token(client)
    response = client.post(
        "/login", data={"username": "worker", "password": PASSWORD}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 303


def test_logout_is_a_post_and_ends_the_session(client, world):
    login(client, "worker")
    assert client.get("/logout").status_code == 405
    response = post_form(client, "/logout")
    assert response.status_code == 303
    assert client.get("/").status_code == 302


def test_signed_out_htmx_request_gets_a_client_redirect(client, world):
    response = client.get("/employees", headers={"HX-Request": "true", "HX-Target": "employee-rows"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")


def test_signed_out_page_request_redirects_to_login_with_next(client, world):
    response = client.get("/employees?q=li")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/employees?q%3Dli"


def test_disabled_account_cannot_sign_in(client, world):
    user = world.user("worker")
    user.is_enabled = False
    db.session.commit()
    assert login(client, "worker").status_code == 422


def test_changing_the_password_rotates_other_sessions(app, world):
    first, second = app.test_client(), app.test_client()
    login(first, "worker")
    login(second, "worker")
    response = post_form(
        first, "/account/password",
        {"current_password": PASSWORD, "new_password": "a brand new secret", "confirm": "a brand new secret"},
    )
    assert response.status_code == 303
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302  # the other device is signed out
    user = db.session.query(User).filter_by(username="worker").one()
    assert check_password_hash(user.password_hash, "a brand new secret")


def test_change_password_validates_each_field(client, world):
    login(client, "worker")
    response = post_form(
        client, "/account/password",
        {"current_password": "not it at all", "new_password": "short", "confirm": "different"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "至少使用 10 个字符" in body
    assert "两次输入的密码不一致" in body
