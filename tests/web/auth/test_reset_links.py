"""HR-issued one-time password reset links."""

from __future__ import annotations

import re
from datetime import timedelta

from werkzeug.security import check_password_hash

from portal.auth.models import PasswordResetToken
from portal.extensions import db
from tests.conftest import csrf_token, login, post_form

LINK = re.compile(r"http://localhost/reset/([A-Za-z0-9_\-]+)")


def issue_link(client, world, htmx: bool = False) -> tuple[str, str]:
    login(client, "hr")
    url = f"/accounts/{world.user('worker').id}/reset-link"
    headers = {"HX-Request": "true", "HX-Target": "reset-link"} if htmx else {}
    response = client.post(url, data={"csrf_token": csrf_token(client)}, headers=headers)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    post_form(client, "/logout")
    return LINK.search(body).group(1), body


def test_link_sets_a_new_password_once(client, world):
    token, _body = issue_link(client, world)
    assert client.get(f"/reset/{token}").status_code == 200
    form = {"new_password": "fresh password 1", "confirm": "fresh password 1"}
    assert post_form(client, f"/reset/{token}", form).status_code == 303
    assert check_password_hash(world.user("worker").password_hash, "fresh password 1")
    again = post_form(client, f"/reset/{token}", {"new_password": "another one 22", "confirm": "another one 22"})
    assert again.status_code == 404
    assert "链接无效" in again.get_data(as_text=True)


def test_only_the_hash_of_the_token_is_stored(client, world):
    token, _body = issue_link(client, world)
    stored = db.session.query(PasswordResetToken).one()
    assert stored.token_hash != token and token not in stored.token_hash


def test_expired_link_is_refused(client, world):
    token, _body = issue_link(client, world)
    stored = db.session.query(PasswordResetToken).one()
    stored.expires_at = stored.created_at - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/reset/{token}").status_code == 404


def test_htmx_gets_only_the_link_fragment(client, world):
    _token, body = issue_link(client, world, htmx=True)
    assert "<html" not in body
    assert body.startswith('<div id="reset-link"')


def test_reset_form_validates(client, world):
    token, _body = issue_link(client, world)
    response = post_form(client, f"/reset/{token}", {"new_password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "至少使用 10 个字符" in response.get_data(as_text=True)
