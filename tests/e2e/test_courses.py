"""A new hire completes course (a) on a phone; HR finds the acknowledgement and its trail."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import screenshot, menu
from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e

COURSE = "工伤基础与报告流程"


def answer_quiz_correctly(page: Page, live_server: str) -> None:
    """Read the right answers from the course data the test server holds."""
    from portal.courses.content import load_courses
    from portal import PROJECT_ROOT

    course = next(c for c in load_courses(PROJECT_ROOT / "courses") if c.slug == "injury-basics")
    for question in course.questions:
        for option in question.options:
            if option.correct:
                page.locator(f'input[name="q-{question.id}"][value="{option.id}"]').check()


def test_new_hire_completes_a_course_and_hr_sees_it(phone: Page, live_server: str, browser: Browser):
    # Two new hires, so the runs with and without JavaScript each start from an untouched course.
    username, name, number = (("new.zhou", "周敏", "A0493") if phone.javascript  # type: ignore[attr-defined]
                              else ("new.chen", "陈晓雨", "A0491"))
    sign_in(phone, live_server, username)
    menu(phone).get_by_role("link", name="我的学习").click()
    expect(phone.get_by_text("未开始").first).to_be_visible()
    screenshot(phone, "06-my-learning")
    phone.get_by_role("link", name=COURSE).click()
    phone.locator("ol.steps a").first.click()
    for lesson in (1, 2, 3):
        expect(phone.get_by_text(f"第 {lesson} 课，共 3 课")).to_be_visible()
        if lesson == 1:
            screenshot(phone, "07-lesson")
        phone.get_by_role("button", name="我已读完本课").click()
    expect(phone.get_by_role("heading", name="测验")).to_be_visible()
    phone.get_by_role("button", name="提交答案").click()  # nothing chosen: fails, with explanations
    expect(phone.get_by_text(re.compile("需要 80% 才能通过"))).to_be_visible()
    answer_quiz_correctly(phone, live_server)
    phone.get_by_role("button", name=re.compile("再试一次|提交答案")).click()
    expect(phone.get_by_text("已通过。")).to_be_visible()
    screenshot(phone, "08-quiz-passed")
    phone.goto(f"{live_server}/learning/injury-basics/acknowledge")
    expect(phone.get_by_text(f"我已阅读并理解《{COURSE}》第 1 版")).to_be_visible()
    phone.get_by_label("您的姓名").fill(name)
    phone.get_by_role("button", name="确认").click()
    expect(phone.get_by_role("heading", name="确认回执")).to_be_visible()
    receipt = phone.locator("dd strong").first.inner_text()
    assert re.fullmatch(r"R\d{8}-\d{6}", receipt)
    screenshot(phone, "09-receipt")
    # A refresh and a second submit make no second acknowledgement.
    phone.goto(f"{live_server}/learning/injury-basics/acknowledge")
    expect(phone.get_by_text(receipt)).to_be_visible()

    hr = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                             java_script_enabled=phone.javascript)  # type: ignore[attr-defined]
    desk = hr.new_page()
    sign_in(desk, live_server, "hr.wang")
    desk.goto(f"{live_server}/records/courses/injury-basics")
    desk.wait_for_load_state("networkidle")
    desk.get_by_label("按姓名、工号、手机号、用户名或部门搜索").fill(number)
    if not phone.javascript:  # type: ignore[attr-defined]
        desk.get_by_role("button", name="筛选").click()
    row = desk.get_by_role("row", name=re.compile(name))
    expect(row).to_contain_text("已确认")
    screenshot(desk, "10-course-matrix")
    row.get_by_role("link", name=name).click()
    expect(desk.get_by_text(receipt)).to_be_visible()
    expect(desk.get_by_text("测验作答").first).to_be_visible()
    expect(desk.locator("code.hash").first).to_be_visible()
    screenshot(desk, "11-drill-down")
    hr.close()
