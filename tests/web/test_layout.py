"""The layout every signed-in page shares: the menu (built once per role, language and mount point),
its fixed addresses, and the texts of the active language. Both engines."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string, url_for
from flask_babel import force_locale, gettext

from markupsafe import Markup, escape

from portal.auth.policy import can
from portal.extensions import db
from portal.notifications.operations import notify
from portal.web import layout
from portal.web.kept_html import CUT, Drawn
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


def _drawn_afresh() -> tuple[Drawn, dict[str, object]]:
    """The layout drawn directly with this request's values, with nothing kept: its only slots are
    where the page's title, messages and content go."""
    stretches = layout.draw(**layout.request_values(), cut=layout.CUT_MARK).split(layout.CUT_MARK)
    parts = [part for text in stretches for part in ((None, text), (CUT, ""))][:-1]
    return Drawn(tuple(parts), False, True, tuple((slot, text.encode()) for slot, text in parts), None), {}


TOKEN = re.compile(r"[A-Za-z0-9_-]{30,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")  # signed: data.time.signature


def _tokens(page: str) -> set[str]:
    return set(TOKEN.findall(page))


def test_the_kept_layout_equals_the_layout_drawn_afresh(app, client, world, monkeypatch):
    """Each role, both languages, a marked and an unmarked page, a bell at 0 and above, a name that
    needs escaping, a mount point, and nobody signed in: the page with the kept layout is the page
    with the layout drawn for the request; the name, the count, the token and the return address
    are each request's own."""
    world.worker.name = '李<b>"强\'&'
    db.session.commit()
    bases = ("http://localhost", "http://localhost/portal")
    paths = ("/login", "/", "/learning/", "/account/password", "/privacy/", "/notices/?a=<x>&b=\"y\"")

    def pages() -> list[str]:
        with client.session_transaction() as session:
            session.pop("_flashes", None)  # left by a refused page of the run before
        responses = [client.get(path, base_url=base) for base in bases for path in paths]
        return [response.get_data(as_text=True) for response in responses if response.status_code == 200]

    def compare(expect_name: str | None) -> None:
        kept = pages()
        with monkeypatch.context() as patched:
            patched.setattr(layout, "kept_layout", _drawn_afresh)  # for pages in base.html and those joined in code
            fresh = pages()
        assert len(kept) == len(fresh) > 0
        for kept_page, fresh_page in zip(kept, fresh):
            assert TOKEN.sub("T", kept_page) == TOKEN.sub("T", fresh_page)
            assert len(_tokens(kept_page)) == 1 and kept_page.count(_tokens(kept_page).pop()) >= 2
            if expect_name is not None:
                assert f'<span class="who">{escape(expect_name)}</span>' in kept_page

    compare(None)  # nobody signed in: only public pages answer
    for username in ("worker", "manager", "hr", "admin"):
        login(client, username)
        user = world.user(username)
        compare(user.display_name)
        notify(user.id, "reminder", "course_due_soon", {"title": "T", "due": "2026-12-01"})
        db.session.commit()
        compare(user.display_name)
        post_form(client, "/locale", {"locale": "en", "next": "/"})
        if user.employee is not None:
            user.employee.preferred_locale = "en"
            db.session.commit()
        compare(user.display_name)
        post_form(client, "/logout", {})


def test_a_page_joined_in_the_layout_is_what_base_html_draws(app, client, world):
    """``layout.page`` joins drawn content in the layout without a template: the same page as a
    template extending ``base.html`` with that title and content, with and without a message."""
    template = '{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}{% block content %}{{ content }}{% endblock %}'
    title, content = '工伤 <须知> & "说明"', Markup("<p>正文</p>")
    login(client, "worker")
    for flashed in (None, "已保存 <b>"):
        drawn = []
        for join in (lambda: render_template_string(template, title=title, content=content),
                     lambda: layout.page(title, content)):
            with client.session_transaction() as session:
                session["_flashes"] = [("info", flashed)] if flashed else []
                if not flashed:
                    del session["_flashes"]
            with app.test_request_context("/learning/", headers={"Cookie": f"session={client.get_cookie('session').value}"}):
                joined = join()
                drawn.append(joined if isinstance(joined, str) else joined.get_data(as_text=True))
        assert drawn[0] == drawn[1]
        assert (str(escape(flashed)) in drawn[1]) if flashed else 'class="flashes"' not in drawn[1]
        assert f"<title>{escape(title)} · " in drawn[1] and "<p>正文</p>" in drawn[1]


def test_a_kept_layout_carries_each_persons_own_token_name_and_count(app, world):
    """Two people of the same role, one after the other on the same server: the second page is
    drawn from the layout kept for the first, with the second person's token, name and bell."""
    notify(world.user("worker").id, "reminder", "course_due_soon", {"title": "T", "due": "2026-12-01"})
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, "worker")
    login(second, "outsider")
    mine = first.get("/learning/").get_data(as_text=True)
    theirs = second.get("/learning/").get_data(as_text=True)
    assert '<span class="who">李强</span>' in mine and '<span class="who">陈晓雨</span>' in theirs
    assert "李强" not in theirs
    assert 'bell-count">1</span>' in mine and "bell-count" not in theirs
    assert _tokens(mine) != _tokens(theirs)
    # Each token is the session's own: the other person's is refused, one's own is accepted.
    refused = second.post("/locale", data={"locale": "en", "next": "/", "csrf_token": _tokens(mine).pop()})
    assert refused.status_code == 400
    accepted = second.post("/locale", data={"locale": "en", "next": "/", "csrf_token": _tokens(theirs).pop()})
    assert accepted.status_code == 303
