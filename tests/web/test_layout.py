"""The layout every signed-in page shares: the menu (built once per role, language and mount point),
its fixed addresses, and the texts of the active language. Both engines."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from flask_babel import force_locale, gettext

from portal.auth.policy import can
from portal.extensions import db
from portal.web.templating import NAVIGATION
from tests.conftest import login, post_form

MENU = re.compile(r'<nav class="main-nav".*?</nav>', re.S)
LINK = re.compile(r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>')


def menu_of(page: str) -> list[tuple[str, bool, str]]:
    return [(href, bool(current), label) for href, current, label in LINK.findall(MENU.search(page).group(0))]


@pytest.mark.parametrize("username", ["worker", "manager", "hr", "admin"])
def test_each_role_gets_the_menu_the_policy_allows_in_its_language(app, client, world, username):
    user = world.user(username)
    with app.test_request_context("/"):
        expected = [url_for(item.endpoint) for item in NAVIGATION
                    if can(user.actor, item.action) and (user.employee_id is not None or not item.needs_employee)]
        expected.append(url_for("auth.change_password"))
        with force_locale("en"):
            english = {url_for(item.endpoint): str(item.label) for item in NAVIGATION} | {
                url_for("auth.change_password"): "Password"}
    login(client, username)
    for _ in range(2):  # the second page comes from the kept menu
        menu = menu_of(client.get("/").get_data(as_text=True))
        assert [href for href, _current, _label in menu] == expected
        assert [href for href, current, _label in menu if current] == ["/"]
    assert menu[0][2] == "首页"
    post_form(client, "/locale", {"locale": "en", "next": "/"})
    if user.employee is not None:  # the account's own preference wins over the switcher
        user.employee.preferred_locale = "en"
        db.session.commit()
    english_menu = menu_of(client.get("/account/password").get_data(as_text=True))
    assert [(href, label) for href, _current, label in english_menu] == [(href, english[href]) for href in expected]
    assert [href for href, current, _label in english_menu if current] == ["/account/password"]


def test_addresses_follow_the_mount_point(client, world):
    login(client, "worker")
    plain = client.get("/").get_data(as_text=True)
    mounted = client.get("/", base_url="http://localhost/portal").get_data(as_text=True)
    assert 'href="/static/css/portal.css"' in plain and 'href="/learning/"' in plain
    assert 'href="/portal/static/css/portal.css"' in mounted and 'href="/portal/learning/"' in mounted
    assert 'action="/portal/locale"' in mounted and 'href="/portal/notifications/"' in mounted
    assert 'href="/learning/"' in client.get("/").get_data(as_text=True)


def test_texts_follow_a_locale_forced_inside_the_request(app, world):
    with app.test_request_context("/"):
        assert gettext("Menu") == "菜单"
        with force_locale("en"):
            assert gettext("Menu") == "Menu"
            assert app.jinja_env.from_string('{{ _("Menu") }}').render() == "Menu"
        assert gettext("Menu") == "菜单"
        assert app.jinja_env.from_string('{{ _("Menu") }}').render() == "菜单"


def test_home_page_points_to_every_other_menu_entry(client, world):
    login(client, "hr")
    page = client.get("/").get_data(as_text=True)
    where = re.search(r'<section class="card" aria-labelledby="next-title">.*?</section>', page, re.S).group(0)
    menu = [(href, label) for href, _current, label in menu_of(page)]
    assert re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', where) == [
        *[(href, label) for href, label in menu if href not in ("/", "/account/password")], ("/account/password", "修改密码")]
