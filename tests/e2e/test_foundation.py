"""Key journeys of the foundation on a phone, in Chinese, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo.company import DEMO_PASSWORD
from tests.e2e.conftest import screenshot, menu

pytestmark = pytest.mark.e2e


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/")


def test_login_page_is_chinese_and_refuses_a_wrong_password(phone: Page, live_server: str):
    phone.goto(f"{live_server}/login")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(phone.get_by_role("heading", name="登录")).to_be_visible()
    screenshot(phone, "01-login")
    phone.get_by_label("用户名").fill("hr.wang")
    phone.get_by_label("密码").fill("not the password")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("alert")).to_contain_text("用户名或密码错误")
    expect(phone).to_have_url(re.compile(r"/login"))


def test_hr_signs_in_searches_employees_and_signs_out(phone: Page, live_server: str):
    sign_in(phone, live_server, "hr.wang")
    nav = menu(phone)
    expect(nav.get_by_role("link", name="员工")).to_be_visible()
    screenshot(phone, "02-hr-home")
    nav.get_by_role("link", name="员工").click()
    expect(phone.get_by_text("共 500 条")).to_be_visible()
    search = phone.get_by_label("按姓名、工号、手机号、用户名或部门搜索")
    phone.wait_for_load_state("networkidle")  # htmx has wired the swapped-in search form
    search.fill("A0101")
    if not phone.javascript:  # type: ignore[attr-defined]
        phone.get_by_role("button", name="搜索").click()
    expect(phone.get_by_text("第 1–1 条，共 1 条")).to_be_visible()
    expect(phone.get_by_role("link", name="李强")).to_be_visible()
    screenshot(phone, "03-employee-search")
    phone.get_by_role("link", name="李强").click()
    expect(phone.get_by_role("heading", name=re.compile("李强"))).to_be_visible()
    menu(phone).get_by_role("button", name="退出登录").click()
    expect(phone).to_have_url(f"{live_server}/login")


def test_employee_sees_only_their_own_menu_and_is_refused_elsewhere(phone: Page, live_server: str):
    sign_in(phone, live_server, "li.qiang")
    nav = menu(phone)
    expect(nav.get_by_role("link", name="我的资料")).to_be_visible()
    expect(nav.get_by_role("link", name="员工")).to_have_count(0)
    screenshot(phone, "04-employee-home")
    response = phone.goto(f"{live_server}/employees")
    assert response is not None and response.status == 403
    expect(phone.get_by_text("您的账号无权打开此页面")).to_be_visible()


def test_language_switch_to_english(phone: Page, live_server: str):
    phone.goto(f"{live_server}/login")
    phone.get_by_role("button", name="English").click()
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "en")


def test_hr_form_shows_field_errors_and_saves_nothing(phone: Page, live_server: str):
    sign_in(phone, live_server, "hr.wang")
    phone.goto(f"{live_server}/employees/new")
    phone.get_by_label("工号").fill("A0101")  # already Li's
    phone.get_by_label("姓名").fill("测试")
    phone.get_by_label("入职日期").fill("2026-01-05")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("已有员工使用此工号")).to_be_visible()
    expect(phone.get_by_text("请选择部门")).to_be_visible()
    expect(phone.get_by_label("工号")).to_have_attribute("aria-invalid", "true")
    screenshot(phone, "05-form-errors")
