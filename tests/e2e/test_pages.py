"""The pages people live in, measured in the browser: nothing wider than a phone, radios at their
natural size, one hint per question, chart labels that never overlap, the phone menu, and axe-core
finding no serious or critical accessibility problem on the key pages of every role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE, menu, screenshot
from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
DESKTOP = {"width": 1366, "height": 768}

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def assert_fits_the_viewport(page: Page) -> None:
    assert page.evaluate(OVERFLOW) <= 0, f"{page.url} is wider than the viewport"


def test_quiz_on_a_phone_has_natural_radios_and_one_hint(phone: Page, live_server: str):
    sign_in(phone, live_server, "new.liu")  # reads English: the quiz prompts carry their own hint
    phone.goto(f"{live_server}/learning/injury-basics/quiz")
    expect(phone.locator("fieldset.question").first).to_be_visible()
    for box in (phone.locator("fieldset.question input").nth(i).bounding_box() for i in range(3)):
        assert box is not None and box["width"] <= 24 and box["height"] <= 24
    legends = phone.locator("fieldset.question legend").all_inner_texts()
    assert legends and all(text.lower().count("choose") == 1 for text in legends), legends
    assert_fits_the_viewport(phone)


def test_employee_pages_fit_a_phone_and_lessons_have_a_finished_reading_button(phone: Page, live_server: str):
    sign_in(phone, live_server, "li.qiang")
    for path in ("/", "/learning/", "/learning/injury-basics", "/learning/injury-basics/lessons/1",
                 "/learning/injury-basics/quiz", "/notices/", "/cases/mine", "/me"):
        phone.goto(f"{live_server}{path}")
        assert_fits_the_viewport(phone)
    phone.goto(f"{live_server}/learning/injury-basics/lessons/2")
    expect(phone.get_by_role("button", name="我已读完本课")).to_be_visible()
    expect(phone.get_by_text("本课才算读完")).to_be_visible()


def test_finished_reading_too_soon_is_refused_on_a_phone(phone: Page, live_server: str, monkeypatch):
    # The live portal runs in this process with the minimum off; switch the real minimum on.
    monkeypatch.setattr("portal.courses.routes._reading_scale", lambda: 1.0)
    sign_in(phone, live_server, "new.liu")
    phone.goto(f"{live_server}/learning/injury-basics/lessons/1")
    phone.get_by_role("button", name="I have read this lesson").click()
    expect(phone.get_by_role("alert")).to_contain_text("reading it to the end takes at least")
    expect(phone.get_by_text("Lesson 1 of 3")).to_be_visible()  # still on the lesson, not moved on
    assert_fits_the_viewport(phone)


def test_phone_menu_opens_without_javascript_and_is_open_on_a_desktop(phone: Page, live_server: str, browser: Browser):
    sign_in(phone, live_server, "hr.wang")
    link = phone.get_by_role("navigation", name="主导航").get_by_role("link", name="课程记录")
    expect(link).to_be_hidden()
    phone.get_by_text("菜单").click()
    expect(link).to_be_visible()
    desk = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=phone.javascript)  # type: ignore[attr-defined]
    page = desk.new_page()
    sign_in(page, live_server, "hr.wang")
    expect(page.get_by_text("菜单")).to_be_hidden()
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="课程记录")).to_be_visible()
    bar = page.locator("nav.main-nav").bounding_box()
    assert bar is not None and bar["height"] < 110  # one or two rows, not four
    desk.close()


CONTRAST = """
(selector) => {
  // WCAG relative luminance of rgb() colours; the background is the nearest opaque ancestor's.
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const el = document.querySelector(selector);
  el.focus();
  let bg = el.parentElement;
  while (bg && getComputedStyle(bg).backgroundColor.match(/rgba\\(.*, 0\\)|transparent/)) bg = bg.parentElement;
  const [a, b] = [lum(getComputedStyle(el).outlineColor), lum(getComputedStyle(bg || document.body).backgroundColor)];
  return {style: getComputedStyle(el).outlineStyle, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}
"""


def test_focus_ring_has_three_to_one_contrast_on_cards_and_on_the_header(browser: Browser, live_server: str):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.keyboard.press("Tab")  # keyboard use, so :focus-visible applies
    for selector in ("#username", "a.brand"):
        result = page.evaluate(CONTRAST, selector)
        assert result["style"] == "solid" and result["ratio"] >= 3, (selector, result)
    context.close()


OVERLAPS = """
() => {
  // Corners of each label's box on screen (rotation included), then the separating-axis test.
  const corners = (el) => {
    const b = el.getBBox(), m = el.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  const axes = (q) => q.map((p, i) => { const n = q[(i + 1) % 4]; return [p[1] - n[1], n[0] - p[0]]; });
  const apart = (p, q) => axes(p).concat(axes(q)).some(([ax, ay]) => {
    const proj = (r) => r.map(([x, y]) => x * ax + y * ay);
    const a = proj(p), b = proj(q);
    return Math.max(...a) <= Math.min(...b) + 0.01 || Math.max(...b) <= Math.min(...a) + 0.01;
  });
  const found = [];
  document.querySelectorAll("svg.chart").forEach((svg) => {
    for (const group of ["x-axis", "y-axis"]) {
      const labels = [...svg.querySelectorAll(`g.${group} text`)].map(corners);
      for (let i = 0; i + 1 < labels.length; i++)
        if (!apart(labels[i], labels[i + 1])) found.push(`${svg.id} ${group} ${i}`);
    }
  });
  return {found, charts: document.querySelectorAll("svg.chart").length,
          labels: document.querySelectorAll("svg.chart g.x-axis text").length};
}
"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_cost_report_tick_labels_never_overlap_and_tables_scroll_inside(browser: Browser, live_server: str, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, "hr.wang")
    page.goto(f"{live_server}/workbench/costs")
    result = page.evaluate(OVERLAPS)
    assert result["charts"] == 3 and result["labels"] >= 3 and result["found"] == [], result
    assert_fits_the_viewport(page)
    expect(page.get_by_role("link", name="李强 (A0101), 2026-03-02")).to_be_visible()
    if viewport is DESKTOP:
        screenshot(page, "16-cost-report")
    context.close()


def test_alerts_filter_group_and_fix_on_a_phone(phone: Page, live_server: str):
    sign_in(phone, live_server, "hr.wang")
    phone.goto(f"{live_server}/workbench/")
    expect(phone.locator(".alert-group").first).to_be_visible()
    phone.get_by_label("类型").select_option("acknowledgement_overdue")
    if not phone.javascript:  # type: ignore[attr-defined]
        phone.get_by_role("button", name="筛选").click()
    expect(phone.locator(".alert-item.alert-acknowledgement_overdue").first).to_be_visible()
    expect(phone.locator(".alert-item:not(.alert-acknowledgement_overdue)")).to_have_count(0)
    expect(phone.locator(".alert-subject").first).to_contain_text("《")
    assert_fits_the_viewport(phone)
    screenshot(phone, "17-alerts")
    phone.locator("a.fix-link").first.click()
    expect(phone.get_by_role("button", name="发送提醒")).to_be_visible()
    expect(phone.get_by_label("新的截止日期")).to_be_visible()


def test_the_employee_list_pages_forward_back_and_to_the_end_on_a_phone(phone: Page, live_server: str):
    sign_in(phone, live_server, "hr.wang")
    phone.goto(f"{live_server}/employees")
    rows = phone.locator("#employee-rows")
    expect(rows).to_contain_text("第 1–50 条")
    first_page = rows.locator("tbody tr").first.inner_text().split()  # cells apart by tabs or lines, as laid out
    phone.get_by_role("link", name="下一页").click()
    expect(rows).to_contain_text("第 51–100 条")
    assert "at=after." in phone.url  # the address keeps the keyset cursor (htmx pushes it, or the link was followed)
    phone.get_by_role("link", name="上一页").click()
    expect(rows).to_contain_text("第 1–50 条")
    assert rows.locator("tbody tr").first.inner_text().split() == first_page
    total = int(re.search(r"共 (\d+) 条", rows.inner_text()).group(1))
    last = -(-total // 50)
    phone.get_by_role("link", name=f"第 {last} 页").click()
    expect(rows).to_contain_text(f"第 {(last - 1) * 50 + 1}–{total} 条")
    assert_fits_the_viewport(phone)


# --- axe-core on the key pages of each role ---------------------------------------------------

KEY_PAGES = {
    "anonymous": ["/login"],
    "li.qiang": ["/", "/learning/", "/learning/injury-basics/lessons/1", "/learning/injury-basics/quiz",
                 "/notices/", "/my-case/", "/privacy/"],
    "mgr.zhao": ["/", "/employees", "/records/courses/injury-basics", "/workbench/"],
    "hr.wang": ["/employees", "/workbench/", "/workbench/costs", "/records/courses/injury-basics",
                "/records/notices/", "/records/cases/", "/evidence/", "/accounts/", "/notifications/duties",
                "/records/renewals/"],
    "admin": ["/", "/jobs/", "/admin/api/tokens", "/accounts/audit"],
}


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def axe_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    # The pages forbid inline script (CSP); the audit script is injected by the test, not by a page,
    # so this context alone lets it in (tests/e2e/test_security.py checks the policy itself).
    context = browser.new_context(viewport=request.param, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("user", list(KEY_PAGES))
def test_axe_finds_no_serious_or_critical_violation(axe_page: Page, live_server: str, user: str):
    if user != "anonymous":
        sign_in(axe_page, live_server, user)
    problems = []
    for path in KEY_PAGES[user]:
        axe_page.goto(f"{live_server}{path}")
        axe_page.add_script_tag(path=str(AXE))
        result = axe_page.evaluate("""async () => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
            return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
                    .map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
        }""")
        problems += [f"{path} {p}" for p in result]
    assert problems == []


def test_receipt_prints_without_menu_or_banners_and_uses_one_time_format(phone: Page, live_server: str):
    sign_in(phone, live_server, "li.qiang")
    phone.goto(f"{live_server}/learning/injury-basics")
    phone.get_by_role("link", name="查看回执").click()
    expect(phone.get_by_role("heading", name="确认回执")).to_be_visible()
    times = phone.locator("dl.facts dd").all_inner_texts()
    stamped = [t for t in times if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", t)]
    assert len(stamped) == 4, times  # assigned, first opened, quiz passed, acknowledged
    if phone.javascript:  # type: ignore[attr-defined]
        expect(phone.get_by_role("button", name="打印")).to_be_visible()
    else:
        expect(phone.get_by_role("button", name="打印")).to_be_hidden()
        expect(phone.get_by_text("请使用浏览器的“打印”功能", exact=False)).to_be_visible()
    phone.emulate_media(media="print")
    for hidden in ("header.site-header", "footer.site-footer", ".print-hint", ".print-button"):
        assert all(not el.is_visible() for el in phone.locator(hidden).all()), hidden
    expect(phone.get_by_role("heading", name="确认回执")).to_be_visible()
