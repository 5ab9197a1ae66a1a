"""HR checks Li's records and hands over an evidence pack that verifies offline."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_foundation import sign_in
from tests.e2e.conftest import screenshot, menu
from tests.e2e.test_pages import assert_fits_the_viewport

pytestmark = pytest.mark.e2e


def wait_until_ready(page, javascript: bool) -> None:
    """The pack is built in the background: htmx polls the page; without JavaScript, the user refreshes.
    However long the build takes, the test only waits for its outcome."""
    ready = page.get_by_text("证据包已生成")
    for _ in range(600):
        if ready.is_visible():
            return
        if not javascript:
            page.get_by_role("link", name="刷新").click()
        page.wait_for_timeout(500)
    expect(ready).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_hr_verifies_li_and_downloads_a_pack_that_verifies(browser: Browser, live_server: str, tmp_path: Path,
                                                           javascript: bool):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  java_script_enabled=javascript, accept_downloads=True)
    page = context.new_page()
    page.javascript = javascript  # type: ignore[attr-defined]
    sign_in(page, live_server, "hr.wang")
    menu(page).get_by_role("link", name="证据").click()
    page.get_by_label("按姓名或工号搜索").fill("A0101")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="李强 (A0101)").click()
    expect(page.get_by_role("heading", name="李强 A0101")).to_be_visible()
    page.get_by_role("button", name="立即验证").click()
    expect(page.get_by_text(re.compile(r"已验证：\d+ 条记录，未发现改动"))).to_be_visible()
    expect(page.locator("code.hash").first).to_be_visible()
    screenshot(page, "12-evidence")
    page.get_by_role("button", name="生成证据包（ZIP）").click()
    expect(page.get_by_text("证据包正在生成")).to_be_visible()
    wait_until_ready(page, javascript)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载证据包（ZIP）").click()
    archive = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(archive)
    with zipfile.ZipFile(archive) as pack:
        pack.extractall(tmp_path / "pack")
    (folder,) = list((tmp_path / "pack").iterdir())
    result = subprocess.run([sys.executable, "-I", str(folder / "verify_pack.py")], capture_output=True, text=True,
                            timeout=60)
    # The suite's TSA is not configured here (the web tests check timestamps), so exit 2: "not checked".
    assert result.returncode in (0, 2) and "FAILED" not in result.stdout, result.stdout
    assert "identity A0101 bound at event" in result.stdout and "are in the published log" in result.stdout
    context.close()


def test_hr_adds_and_disables_a_witness_on_a_phone(phone: Page, live_server: str, tmp_path: Path):
    sign_in(phone, live_server, "hr.wang")
    menu(phone).get_by_role("link", name="证据").click()
    phone.get_by_role("link", name="添加、查看或停用见证方").click()
    phone.get_by_label("类型").select_option("directory")
    phone.get_by_label("地址").fill("relative/folder")
    phone.get_by_role("button", name="添加见证方").click()
    expect(phone.get_by_text("请输入绝对路径")).to_be_visible()
    phone.get_by_label("地址").fill(str(tmp_path))
    phone.get_by_label("见证方名称").fill("工会代表的存档目录")
    phone.get_by_role("button", name="添加见证方").click()
    expect(phone.get_by_text("工会代表的存档目录 已成为见证方")).to_be_visible()
    assert_fits_the_viewport(phone)
    entry = phone.locator("li", has_text=str(tmp_path)).first
    entry.get_by_role("button", name="停用").click()
    expect(phone.get_by_text("工会代表的存档目录 将不再收到签名树头。")).to_be_visible()
    expect(phone.locator("li", has_text=str(tmp_path)).first.get_by_role("button", name="停用")).to_have_count(0)


def test_hr_filters_li_s_timeline_on_a_phone_and_the_pager_stays_inside(phone: Page, live_server: str):
    sign_in(phone, live_server, "hr.wang")
    phone.goto(f"{live_server}/evidence/?q=A0101")
    phone.get_by_role("link", name="李强 (A0101)").click()
    timeline = phone.locator("#evidence-timeline")
    expect(timeline).to_contain_text(re.compile(r"第 1–\d+ 条，共 \d+ 条"))
    total = int(re.search(r"共 (\d+) 条", timeline.inner_text()).group(1))
    phone.get_by_label("事件", exact=True).select_option(index=1)
    phone.get_by_role("button", name="筛选").click()
    expect(timeline).not_to_contain_text(f"共 {total} 条")
    expect(timeline.locator("nav.pager")).to_contain_text(re.compile(r"共 \d+ 条"))
    assert "type=" in phone.url
    expect(phone.locator("#evidence-timeline")).to_have_count(1)  # swapped whole, never nested in itself
    assert_fits_the_viewport(phone)
