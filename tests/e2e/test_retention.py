"""HR sets the retention periods on a phone, with JavaScript on and off: a refused value is named next
to its field, a valid one is saved."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_foundation import sign_in
from tests.e2e.test_pages import OVERFLOW


def test_hr_sets_the_retention_periods(phone: Page, live_server: str):
    sign_in(phone, live_server, "hr.wang")
    phone.goto(f"{live_server}/privacy/")
    phone.get_by_role("link", name="保存期限").click()
    expect(phone.get_by_role("heading", name="保存期限")).to_be_visible()
    assert phone.evaluate(OVERFLOW) <= 0
    years = phone.get_by_label("员工离职后纸质签收扫描件的保存年限")
    wanted = "5" if years.input_value() == "4" else "4"  # a change, whichever run came first on this server
    years.fill("0")
    phone.get_by_role("button", name="保存设置").click()
    expect(phone.locator("#scan_years-error")).to_contain_text("离职后保存年限")
    phone.get_by_label("员工离职后纸质签收扫描件的保存年限").fill(wanted)
    phone.get_by_role("button", name="保存设置").click()
    expect(phone.get_by_text("保存期限已保存")).to_be_visible()
    expect(phone.get_by_label("员工离职后纸质签收扫描件的保存年限")).to_have_value(wanted)
