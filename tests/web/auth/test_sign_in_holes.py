"""The sign-in holes stay closed: sign-out ends every copy of a session, reset links cannot be
turned against HR or admin accounts, older links die, one redemption wins, only failures count."""

from __future__ import annotations

import re
import threading

import pytest
from werkzeug.security import check_password_hash

from portal.auth import operations
from portal.auth.models import AuditEntry, User
from portal.core.types import utcnow
from portal.extensions import db
from portal.notifications.models import Notification
from tests.conftest import PASSWORD, World, csrf_token, empty_all_tables, login, make_app, post_form

LINK = re.compile(r"http://localhost/reset/([A-Za-z0-9_\-]+)")


def _cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token") if client.get_cookie(name)}


def test_sign_out_refuses_the_old_session_cookie_and_remember_cookie(app, world):
    browser = app.test_client()
    post_form(browser, "/login", {"username": "worker", "password": PASSWORD, "remember": "y"})
    stolen = _cookies(browser)
    assert set(stolen) == {"session", "remember_token"}
    other_device = app.test_client()
    login(other_device, "worker")
    assert post_form(browser, "/logout").status_code == 303
    for name in ("session", "remember_token"):  # each copied cookie alone, as an attacker would replay it
        replay = app.test_client()
        replay.set_cookie(name, stolen[name])
        assert replay.get("/").status_code == 302, name
    assert other_device.get("/").status_code == 302  # signed out everywhere
    assert db.session.query(AuditEntry).filter_by(action="signed_out").count() == 1


def _issue(client, target_id: int):
    return client.post(f"/accounts/{target_id}/reset-link", data={"csrf_token": csrf_token(client)})


@pytest.mark.parametrize("target", ["admin", "hr"])
def test_hr_cannot_issue_a_reset_link_for_hr_or_admin(client, world, target):
    login(client, "hr")
    other = world.user(target)
    response = _issue(client, other.id)
    assert response.status_code == 403
    assert db.session.query(AuditEntry).filter_by(action="reset_issued").count() == 0


def test_admin_may_and_the_holder_is_told_and_the_log_records_it(client, world):
    login(client, "admin")
    hr = world.user("hr")
    assert _issue(client, hr.id).status_code == 200
    (told,) = db.session.query(Notification).filter_by(user_id=hr.id, text_key="reset_link_issued").all()
    assert told.params["actor"] == "admin"
    entry = db.session.query(AuditEntry).filter_by(action="reset_issued").one()
    assert (entry.actor_user_id, entry.target_user_id, entry.address) == (world.user("admin").id, hr.id, "127.0.0.1")


def test_a_newer_link_revokes_the_older_one(client, world):
    login(client, "hr")
    worker = world.user("worker")
    first = LINK.search(_issue(client, worker.id).get_data(as_text=True)).group(1)
    second = LINK.search(_issue(client, worker.id).get_data(as_text=True)).group(1)
    post_form(client, "/logout")
    form = {"new_password": "fresh password 1", "confirm": "fresh password 1"}
    assert post_form(client, f"/reset/{first}", form).status_code == 404
    assert post_form(client, f"/reset/{second}", form).status_code == 303
    assert post_form(client, f"/reset/{second}", form).status_code == 404
    assert check_password_hash(world.user("worker").password_hash, "fresh password 1")
    redeemed = db.session.query(AuditEntry).filter_by(action="reset_redeemed").one()
    assert redeemed.target_user_id == worker.id


def test_concurrent_redemptions_of_one_link_have_exactly_one_winner(postgres_schema):
    """On PostgreSQL (SQLite serializes every writer, so it cannot race)."""
    apps = [make_app(postgres_schema) for _ in range(4)]  # built before the threads start
    with apps[0].app_context():
        world = World()
        token = operations.issue_reset_link(world.user("worker"), world.user("hr"), utcnow())
        db.session.remove()
    barrier = threading.Barrier(len(apps))
    winners: list[int] = []

    def redeem(application, n):
        with application.app_context():
            barrier.wait()
            if operations.redeem_token(token, f"password number {n}", utcnow()) is not None:
                winners.append(n)
            db.session.remove()
            db.engine.dispose()

    threads = [threading.Thread(target=redeem, args=(a, n)) for n, a in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with apps[0].app_context():
        worker = db.session.query(User).filter_by(username="worker").one()
        assert len(winners) == 1
        assert check_password_hash(worker.password_hash, f"password number {winners[0]}")
        assert db.session.query(AuditEntry).filter_by(action="reset_redeemed").count() == 1
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


class TestFailureLimits:
    @pytest.fixture
    def app_config(self):
        return {"LOGIN_FAILURES_PER_ACCOUNT": "3 per minute", "LOGIN_FAILURES_PER_ADDRESS": "5 per minute"}

    def test_successes_never_count(self, client, world):
        for _ in range(6):
            assert login(client, "worker").status_code == 303
            post_form(client, "/logout")
        for _ in range(2):
            assert login(client, "worker", "wrong password!").status_code == 422
        assert login(client, "worker").status_code == 303

    def test_the_fourth_failure_gets_a_localized_page_with_the_form_and_the_wait(self, client, world):
        for _ in range(3):
            assert login(client, "worker", "wrong password!").status_code == 422
        response = login(client, "worker")  # even the right password waits
        body = response.get_data(as_text=True)
        assert response.status_code == 429
        assert 0 < int(response.headers["Retry-After"]) <= 60
        assert "登录失败次数过多，请 1 分钟后再试" in body
        assert 'name="password"' in body and 'value="worker"' in body
        assert client.get("/").status_code == 302
        assert db.session.query(AuditEntry).filter_by(action="sign_in_throttled").count() == 1
        assert login(client, "hr").status_code == 303  # another account from the same address still signs in

    def test_failures_on_many_accounts_add_up_per_address(self, client, world):
        for name in ("worker", "hr", "manager", "outsider", "nobody"):
            assert login(client, name, "wrong password!").status_code == 422
        assert login(client, "admin").status_code == 429
        assert db.session.query(AuditEntry).filter_by(action="sign_in_failed").count() == 5
