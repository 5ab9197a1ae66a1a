"""Admin creates an API token on a phone, a payroll system uses it, admin revokes it; with and without JavaScript."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import menu
from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e


def test_admin_creates_uses_and_revokes_a_token(phone: Page, live_server: str):
    sign_in(phone, live_server, "admin")
    menu(phone).get_by_role("link", name="API 与 Webhook").click()
    expect(phone.get_by_role("heading", name="API 令牌")).to_be_visible()
    name = f"薪资系统 {'js' if phone.javascript else 'no-js'}"  # type: ignore[attr-defined]
    phone.locator("#name").fill(name)
    phone.get_by_label("代表的账户").select_option(label="hr.wang")
    phone.locator('input[name="scopes"][value="payroll:read"]').check()
    phone.get_by_role("button", name="创建令牌").click()
    secret = phone.locator("#new-token").inner_text()
    assert secret.startswith("ipt_")

    feed = requests.get(f"{live_server}/api/v1/payroll/actions", params={"month": "2026-09"},
                        headers={"Authorization": f"Bearer {secret}"}, timeout=10)
    assert feed.status_code == 200 and any(i["kind"] == "pay_stop" for i in feed.json()["items"])

    phone.get_by_role("row", name=name).get_by_role("button", name="吊销").click()
    expect(phone.get_by_role("row", name=name)).to_contain_text("已吊销")
    assert requests.get(f"{live_server}/api/v1/payroll/actions", params={"month": "2026-09"},
                        headers={"Authorization": f"Bearer {secret}"}, timeout=10).status_code == 401
