"""HR opens the workbench and sees the risk alerts with their fix links, with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, menu
from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e


def test_hr_sees_the_alerts_on_the_workbench(phone: Page, live_server: str):
    sign_in(phone, live_server, "hr.wang")
    menu(phone).get_by_role("link", name="工作台").click()
    expect(phone.get_by_role("heading", name="风险预警")).to_be_visible()
    rows = phone.locator("#alert-rows .alert-item")
    expect(rows.first).to_be_visible()
    expect(phone.locator("#alert-rows")).to_contain_text("课程或告知书已过期限仍未确认")
    expect(phone.locator("#alert-rows a.fix-link").first).to_be_visible()
    expect(phone.locator("#notification-bell")).to_be_visible()
    screenshot(phone, "15-workbench")
