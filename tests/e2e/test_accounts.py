"""Signing in through the company's identity provider (OpenID Connect, started by the test), on a
phone, with and without JavaScript; the employee lands on their to-do home page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from portal.extensions import db
from tests.conftest import World, make_app
from tests.oidc_provider import running_provider, sso_config
from tests.serving import serving


@pytest.fixture(scope="module")
def sso_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small company whose portal trusts the local provider, served on a free port."""
    with running_provider() as provider:
        database = tmp_path_factory.mktemp("sso") / "portal.sqlite3"
        app = make_app(f"sqlite:///{database}", **sso_config(provider))
        with app.app_context():
            db.create_all()
            world = World()
            world.worker.email = "li.qiang@company-a.example"
            db.session.commit()
            db.session.remove()
        with serving(app) as url:
            yield url


def test_an_employee_signs_in_with_the_company_account(phone: Page, sso_portal: str):
    phone.goto(f"{sso_portal}/login")
    phone.get_by_role("link", name="使用公司账号登录").click()
    phone.get_by_label("Company login").fill("li.qiang")  # the provider's own page
    phone.get_by_role("button", name="Continue").click()
    expect(phone).to_have_url(f"{sso_portal}/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("李强")
    expect(phone.get_by_role("heading", name="待办事项")).to_be_visible()
