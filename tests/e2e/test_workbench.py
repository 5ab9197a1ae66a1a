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


def test_hr_moves_an_approval_step_by_its_row_buttons_on_a_phone(phone: Page, live_server: str):
    """No key to type: each row has its own buttons; the page fits a phone with and without JavaScript."""
    from tests.e2e.test_pages import assert_fits_the_viewport

    sign_in(phone, live_server, "hr.wang")
    phone.goto(f"{live_server}/workbench/workflow")
    steps = phone.locator("#workflow-steps > li")
    expect(steps.nth(1)).to_contain_text("部门审核")
    expect(phone.locator("#workflow-steps")).not_to_contain_text("department_review")
    assert_fits_the_viewport(phone)
    steps.nth(1).get_by_role("button", name="下移").click()
    expect(phone.locator(".flashes")).to_contain_text("审批流程已保存")
    expect(steps.nth(2)).to_contain_text("部门审核")
    steps.nth(2).get_by_role("button", name="上移").click()  # back as the demo had it
    expect(steps.nth(1)).to_contain_text("部门审核")


def test_hr_acknowledges_an_alert_by_its_button(phone: Page, live_server: str):
    """The row's button posts through the page's one form (with the reader's token), with and
    without JavaScript; the kept list shows the change at once."""
    sign_in(phone, live_server, "hr.wang")
    phone.goto(f"{live_server}/workbench/")
    buttons = phone.locator('#alert-rows button[form="alert-actions"]', has_text="确认")
    before = buttons.count()
    assert before > 0
    buttons.first.click()
    expect(phone.locator(".flashes")).to_contain_text("已确认该预警")
    expect(buttons).to_have_count(before - 1)
