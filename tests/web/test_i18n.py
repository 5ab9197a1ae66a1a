"""Locale selection, the switcher, translated pages, complete catalogs and local time."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.extensions import db
from portal.web.templating import local_datetime
from tests.conftest import login, post_form

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "header,lang,word",
    [(None, "zh-CN", "登录"), ("en-US,en;q=0.9", "en", "Sign in"), ("zh-CN,zh;q=0.9", "zh-CN", "登录"),
     ("zh", "zh-CN", "登录"), ("fr-FR", "zh-CN", "登录")],
)
def test_accept_language_when_nothing_was_chosen(client, header, lang, word):
    headers = {"Accept-Language": header} if header else {}
    body = client.get("/login", headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}">' in body
    assert f">{word}</h1>" in body


def test_switcher_beats_accept_language(client):
    post_form(client, "/locale", {"locale": "en", "next": "/login"})
    body = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert ">Sign in</h1>" in body


def test_users_preference_beats_switcher_and_is_updated_by_it(client, world):
    world.worker.preferred_locale = "en"
    db.session.commit()
    login(client, "worker")
    assert "Hello, 李强" in client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    post_form(client, "/locale", {"locale": "zh_CN", "next": "/"})
    assert world.worker.preferred_locale == "zh_CN"
    assert "你好，李强" in client.get("/").get_data(as_text=True)


def test_switcher_refuses_unknown_locale(client):
    assert post_form(client, "/locale", {"locale": "xx", "next": "/"}).status_code == 400


def test_switcher_ignores_offsite_next(client):
    response = post_form(client, "/locale", {"locale": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_times_are_shown_in_shanghai(app):
    utc = datetime(2026, 1, 1, 16, 30, tzinfo=timezone.utc)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert local_datetime(utc, "yyyy-MM-dd HH:mm") == "2026-01-02 00:30"


def test_zh_cn_catalog_is_complete():
    with open(ROOT / "translations/zh_CN/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def test_catalog_holds_every_string_in_the_code(tmp_path):
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "translations/babel.cfg", "-k", "_l",
         "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with open(pot, "rb") as handle:
        fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with open(ROOT / "translations/zh_CN/LC_MESSAGES/messages.po", "rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert sorted(fresh - known) == [], "run `make translations` and translate the new strings"
