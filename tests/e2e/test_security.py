"""The content security policy holds in a real browser: htmx's swaps and the portal's own script
work, and nothing is blocked (a blocked inline script or style is a console error)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import PHONE
from tests.e2e.test_foundation import sign_in


def test_htmx_pages_run_under_the_policy_without_violations(browser: Browser, live_server: str):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    sign_in(page, live_server, "hr.wang")
    page.goto(f"{live_server}/employees")
    page.wait_for_load_state("networkidle")
    page.get_by_label("按姓名、工号、手机号、用户名或部门搜索").fill("A0101")
    expect(page.get_by_text("第 1–1 条，共 1 条")).to_be_visible()  # the htmx swap ran
    assert page.evaluate("document.querySelectorAll('style').length") == 0  # no injected inline style
    assert [m for m in messages if "Content Security Policy" in m] == []
    context.close()
