"""HR writes and pushes a notice; the employee reads and acknowledges it on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import screenshot, menu
from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e


def test_notice_pushed_by_hr_is_read_and_acknowledged(phone: Page, live_server: str, browser: Browser):
    javascript = phone.javascript  # type: ignore[attr-defined]
    username, name, number = ("li.qiang", "李强", "A0101") if javascript else ("mgr.zhao", "赵建国", "A0003")
    title = f"个人缴费部分说明（{'甲' if javascript else '乙'}）"
    desk_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                       java_script_enabled=javascript)
    desk = desk_context.new_page()
    sign_in(desk, live_server, "hr.wang")
    desk.goto(f"{live_server}/records/notices/")
    desk.get_by_role("link", name="撰写通知").click()
    desk.get_by_label("中文标题").fill(title)
    desk.get_by_label("中文正文").fill("停工留薪期内，个人缴费部分仍由本人承担，按月从工资中代扣（《社会保险法》第六十条）。")
    desk.get_by_role("button", name="保存").click()
    expect(desk.get_by_role("heading", name=title)).to_be_visible()
    desk.get_by_label("工号", exact=True).fill(number)
    desk.get_by_label("确认截止日期").fill("2030-01-31")
    desk.get_by_role("button", name="推送").click()
    expect(desk.get_by_text(name).first).to_be_visible()
    desk_context.close()

    sign_in(phone, live_server, username)
    menu(phone).get_by_role("link", name="我的通知").click()
    phone.get_by_role("link", name=title).click()
    expect(phone.get_by_text("个人缴费部分仍由本人承担")).to_be_visible()
    expect(phone.get_by_text(re.compile(f"我已阅读并理解《{re.escape(title)}》第 1 版"))).to_be_visible()
    screenshot(phone, "13-notice")
    phone.get_by_label("您的姓名").fill(name)
    phone.get_by_role("button", name="确认").click()
    expect(phone.get_by_role("heading", name="通知确认回执")).to_be_visible()
    expect(phone.get_by_text(re.compile(r"N\d{8}-\d{6}"))).to_be_visible()
