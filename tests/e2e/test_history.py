"""Li looks back: his record as of today and as of a month before the demo was recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.core.types import local_today
from tests.e2e.conftest import menu, screenshot
from tests.e2e.test_foundation import sign_in

pytestmark = pytest.mark.e2e


def test_li_replays_his_record_on_a_past_date(phone: Page, live_server: str):
    sign_in(phone, live_server, "li.qiang")
    menu(phone).get_by_role("link", name="我的资料").click()
    phone.get_by_role("link", name="回溯某一历史日期").click()
    expect(phone.locator("#asof-source")).to_contain_text("根据证据账本重建")
    expect(phone.locator("#case-status")).to_contain_text("伤残等级 9 级")
    expect(phone.locator("#asof-notices")).to_contain_text("已确认")
    screenshot(phone, "16-as-of")
    phone.get_by_label("日期").fill((local_today() - timedelta(days=30)).isoformat())
    phone.get_by_role("button", name="显示").click()
    expect(phone.locator("#asof-source")).to_contain_text("尚无任何记录")  # the demo was recorded today
    expect(phone.locator("#case-status")).to_have_count(0)
