"""Account management: HR manages employees and managers, only admin manages HR and admin; every
action is in the audit log; the command line does the same."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.auth.models import AuditEntry, PasswordResetToken, User
from portal.auth.policy import Role
from portal.core.types import utcnow
from portal.extensions import db
from tests.conftest import PASSWORD, csrf_token, login, post_form

CODE = re.compile(r'<code class="copyable">([A-Z0-9-]+)</code>')


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/accounts/"), **data})


@pytest.mark.parametrize("target", ["hr", "admin"])
def test_hr_cannot_touch_hr_or_admin_accounts(client, world, target):
    login(client, "hr")
    other = world.user(target)
    assert _post(client, f"/accounts/{other.id}/role", role="employee").status_code == 403
    assert _post(client, f"/accounts/{other.id}/state", enabled="0").status_code == 403
    assert world.user(target).role is Role(target) and world.user(target).is_enabled
    page = client.get("/accounts/").get_data(as_text=True)
    assert f"/accounts/{other.id}/state" not in page and f"/accounts/{world.user('worker').id}/state" in page


def test_hr_cannot_promote_to_hr_but_admin_can(client, world):
    worker = world.user("worker")
    login(client, "hr")
    assert _post(client, f"/accounts/{worker.id}/role", role="hr").status_code == 403
    assert _post(client, f"/accounts/{worker.id}/role", role="manager").status_code == 303
    post_form(client, "/logout")
    login(client, "admin")
    assert _post(client, f"/accounts/{worker.id}/role", role="hr").status_code == 303
    assert world.user("worker").role is Role.HR
    changes = db.session.query(AuditEntry).filter_by(action="role_changed", target_user_id=worker.id).all()
    assert [c.detail_json for c in changes] == ['{"previous": "employee", "role": "manager"}',
                                                '{"previous": "manager", "role": "hr"}']


def test_deactivating_signs_the_person_out_at_once_and_reactivating_lets_them_back(app, world):
    worker_browser, hr = app.test_client(), app.test_client()
    login(worker_browser, "worker")
    login(hr, "hr")
    worker = world.user("worker")
    assert _post(hr, f"/accounts/{worker.id}/state", enabled="0").status_code == 303
    assert worker_browser.get("/").status_code == 302
    assert login(worker_browser, "worker").status_code == 422
    assert _post(hr, f"/accounts/{worker.id}/state", enabled="1").status_code == 303
    assert login(worker_browser, "worker").status_code == 303
    audit = hr.get("/accounts/audit").get_data(as_text=True)
    assert "已停用" in audit and "已重新启用" in audit and "登录失败" in audit and "127.0.0.1" in audit


def test_a_new_account_without_e_mail_gets_a_code_that_sets_the_first_password(client, world):
    login(client, "admin")
    form = {"username": "hr.zhou", "role": "hr", "employee_number": ""}
    sheet = post_form(client, "/accounts/new", form)
    (code,) = CODE.findall(sheet.get_data(as_text=True))
    post_form(client, "/logout")
    assert login(client, "hr.zhou", "!").status_code == 422  # no password matches before activation
    assert post_form(client, "/activate", {"code": code, "new_password": "zhou's secret", "confirm": "zhou's secret"}
                     ).status_code == 303
    assert login(client, "hr.zhou", "zhou's secret").status_code == 303
    assert db.session.query(User).filter_by(username="hr.zhou").one().role is Role.HR


def test_the_create_form_names_each_problem(client, world):
    login(client, "hr")
    response = post_form(client, "/accounts/new", {"username": "worker", "role": "admin", "employee_number": "X999"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "该用户名已被占用" in body and "没有此工号的员工" in body and "只有系统管理员" in body
    assert db.session.query(User).count() == 6


def test_the_command_line_manages_accounts(app, world):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["accounts", "create", "e002b", "--role", "employee"])
    code = created.output.split("Activation code for e002b: ")[1].strip()
    assert len(code) == 12
    assert runner.invoke(args=["accounts", "role", "e002b", "manager"]).exit_code == 0
    assert runner.invoke(args=["accounts", "deactivate", "e002b"]).exit_code == 0
    user = db.session.query(User).filter_by(username="e002b").one()
    assert user.role is Role.MANAGER and not user.is_enabled
    assert runner.invoke(args=["accounts", "deactivate", "nobody"]).exit_code == 1
    assert [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)] == [
        "created", "invited", "role_changed", "deactivated"]


def test_the_password_still_works_after_the_old_remember_cookie_is_refused(client, world):
    """Sanity: signing in again after sign-out works (the rotated token is the new one)."""
    login(client, "worker")
    post_form(client, "/logout")
    assert login(client, "worker", PASSWORD).status_code == 303
    assert client.get("/").status_code == 200


def test_inviting_twice_prints_each_code_once(client, world):
    login(client, "hr")
    post_form(client, "/accounts/new", {"username": "e002b", "role": "employee", "employee_number": ""})
    db.session.execute(sa.update(PasswordResetToken).values(revoked_at=utcnow()))  # as if the sheet was lost
    db.session.commit()
    first = client.post("/accounts/invite", data={"csrf_token": csrf_token(client, "/accounts/invite")})
    assert len(CODE.findall(first.get_data(as_text=True))) == 1
    second = client.post("/accounts/invite", data={"csrf_token": csrf_token(client, "/accounts/invite")})
    assert CODE.findall(second.get_data(as_text=True)) == []
