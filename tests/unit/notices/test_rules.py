"""Notice rules, without Flask."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.notices.rules import (
    BODY_MAX,
    RESPONSE_MAX,
    Status,
    TextProblem,
    clean_text,
    clean_title,
    content_hash,
    due_date,
    due_date_is_past,
    employee_numbers,
    notice_statement,
    snapshot_json,
    status,
    text_problem,
)

TODAY = date(2026, 11, 26)
TITLE = {"zh_CN": "工伤处理流程指引", "en": "What to do after a work injury"}
BODY = {"zh_CN": "受伤后立即报告。", "en": "Report at once."}


def test_statement_in_both_locales():
    assert notice_statement("zh_CN", "工伤处理流程指引", 2) == (
        "我已阅读并理解《工伤处理流程指引》第 2 版的全部内容，并输入本人姓名确认。"
    )
    assert notice_statement("en", "What to do after a work injury", 1) == (
        "I have read and understood version 1 of “What to do after a work injury” and confirm this by typing my full name."
    )


@pytest.mark.parametrize("opened,acked,due,expected", [
    (False, False, TODAY, Status.UNREAD),
    (True, False, TODAY, Status.READ),
    (True, True, TODAY, Status.ACKNOWLEDGED),
    (False, False, TODAY - timedelta(days=1), Status.OVERDUE),
    (True, False, TODAY - timedelta(days=1), Status.OVERDUE),
    (True, True, TODAY - timedelta(days=30), Status.ACKNOWLEDGED),
])
def test_status_on_the_due_date_boundary(opened, acked, due, expected):
    assert status(opened=opened, acknowledged=acked, due=due, today=TODAY) is expected


def test_due_dates():
    assert due_date(date(2026, 11, 26)) == date(2026, 12, 3)
    assert due_date(date(2026, 12, 30), 5) == date(2027, 1, 4)
    assert due_date_is_past(TODAY - timedelta(days=1), TODAY)
    assert not due_date_is_past(TODAY, TODAY)


@pytest.mark.parametrize("raw,title,text", [
    ("  工伤\n 指引 ", "工伤 指引", "工伤\n 指引"),
    ("a\r\nb\rc", "a b c", "a\nb\nc"),
    ("\n\n  ", "", ""),
])
def test_cleaning(raw, title, text):
    assert clean_title(raw) == title
    assert clean_text(raw) == text


@pytest.mark.parametrize("text,limit,problem", [
    ("", RESPONSE_MAX, TextProblem.EMPTY),
    ("问" * RESPONSE_MAX, RESPONSE_MAX, None),
    ("问" * (RESPONSE_MAX + 1), RESPONSE_MAX, TextProblem.TOO_LONG),
    ("x" * (BODY_MAX + 1), BODY_MAX, TextProblem.TOO_LONG),
])
def test_text_problems(text, limit, problem):
    assert text_problem(text, limit) is problem


def test_employee_numbers_as_pasted():
    assert employee_numbers(" e001，E002;E003；e001\nE004、 ") == ["E001", "E002", "E003", "E004"]
    assert employee_numbers("  ") == []


def test_snapshot_is_canonical_and_hashed_as_utf8():
    snapshot = snapshot_json("injury-process-guide", TITLE, BODY)
    assert json.loads(snapshot) == {"format": 1, "key": "injury-process-guide", "title": TITLE, "body": BODY}
    assert snapshot == json.dumps(json.loads(snapshot), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert content_hash(snapshot) == hashlib.sha256(snapshot.encode("utf-8")).hexdigest()


def test_missing_english_is_stored_empty():
    assert json.loads(snapshot_json(None, {"zh_CN": "标题"}, {"zh_CN": "正文"}))["body"] == {"zh_CN": "正文", "en": ""}


LINES = st.text(st.characters(exclude_characters="\r"))


@given(LINES, LINES)
def test_clean_text_is_idempotent_and_ignores_line_endings(first, second):
    unix = clean_text(f"{first}\n{second}")
    assert clean_text(unix) == unix
    assert clean_text(f"{first}\r\n{second}") == unix
    assert "\r" not in clean_text(f"{first}\r\n\r{second}")


@given(st.dictionaries(st.sampled_from(["zh_CN", "en"]), st.text(max_size=50)),
       st.dictionaries(st.sampled_from(["zh_CN", "en"]), st.text(max_size=200)))
def test_same_text_same_hash_and_any_change_a_new_one(title, body):
    snapshot = snapshot_json(None, title, body)
    assert snapshot == snapshot_json(None, dict(reversed(title.items())), dict(reversed(body.items())))
    changed = snapshot_json(None, title, {**body, "zh_CN": body.get("zh_CN", "") + "。"})
    assert content_hash(changed) != content_hash(snapshot)
