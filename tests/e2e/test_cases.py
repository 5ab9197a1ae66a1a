"""Li follows his injury case on a phone: status, timeline, the subsidy and its explanation, the balance."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, menu
from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e


def test_li_reads_his_case_on_a_phone(phone: Page, live_server: str):
    sign_in(phone, live_server, "li.qiang")
    menu(phone).get_by_role("link", name="我的工伤").click()
    expect(phone.get_by_role("heading", name="我 2026年3月2日 的工伤案件")).to_be_visible()
    expect(phone.locator("#case-status")).to_contain_text("伤残等级 9 级")
    expect(phone.locator("#case-timeline")).to_contain_text("停工留薪期开始")
    subsidy = phone.locator("#figure-one_time_disability_subsidy")
    expect(subsidy).to_contain_text("46,800.00 元")
    explanation = subsidy.get_by_text("《工伤保险条例》第三十七条")
    expect(explanation).to_be_hidden()
    subsidy.locator("summary").click()
    expect(explanation).to_be_visible()
    expect(subsidy).to_contain_text("9 个月 × 本人工资 5,200.00")
    expect(phone.locator("#share-balance")).to_have_text("今日余额：0.00 元，已结清")
    expect(phone.locator("#case-account")).to_contain_text("2,730.00 元")
    screenshot(phone, "14-case")


def test_hr_picks_the_employee_for_a_new_case(phone: Page, live_server: str):
    """Active search with JavaScript; without it the same form submits and the page lists the matches."""
    sign_in(phone, live_server, "hr.wang")
    phone.goto(f"{live_server}/records/cases/new")
    search = phone.get_by_label("按工号或姓名查找员工")
    if phone.javascript:  # type: ignore[attr-defined]
        search.press_sequentially("李强")
    else:
        search.fill("李强")
        phone.get_by_role("button", name="查找").click()
    phone.locator("#employee-choices").get_by_role("link", name="A0101 李强").click()
    expect(phone.get_by_label("工号", exact=True)).to_have_value("A0101")
