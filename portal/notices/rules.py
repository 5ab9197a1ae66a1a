"""Notice rules: snapshots and their hash, statuses, due dates, the acknowledgement statement and
text checks. Pure Python: no Flask, no database, ``today`` passed in.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Mapping
from datetime import date, timedelta

from portal.evidence.chain import canonical_json
from portal.org.rules import normalise_employee_number

LOCALES = ("zh_CN", "en")
SNAPSHOT_FORMAT = 1
TITLE_MAX = 200
BODY_MAX = 20000
RESPONSE_MAX = 2000
CHANGE_NOTE_MAX = 500
DUE_DAYS = 7  # house default for acknowledging a notice; HR picks another date when pushing by hand


class Status(str, enum.Enum):
    """A delivery's status; overdue wins over every unacknowledged one."""

    UNREAD = "unread"
    READ = "read"
    ACKNOWLEDGED = "acknowledged"
    OVERDUE = "overdue"


class ResponseKind(str, enum.Enum):
    QUESTION = "question"
    OBJECTION = "objection"


class TextProblem(str, enum.Enum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


def status(*, opened: bool, acknowledged: bool, due: date, today: date) -> Status:
    """One delivery's status (mirrored in SQL by ``records.status_expression``).

    Opening is not acknowledging: silence is not a declaration (Civil Code Art. 140).
    """
    if acknowledged:
        return Status.ACKNOWLEDGED
    if today > due:
        return Status.OVERDUE
    return Status.READ if opened else Status.UNREAD


def due_date(pushed_on: date, days: int = DUE_DAYS) -> date:
    return pushed_on + timedelta(days=days)


def due_date_is_past(due: date, today: date) -> bool:
    """A push may not be due before today: nobody could meet it."""
    return due < today


def clean_title(raw: str) -> str:
    """A title is one line: runs of spaces and line breaks become one space."""
    return " ".join(raw.split())


def clean_text(raw: str) -> str:
    """Multi-line text with Unix line endings and no surrounding blank space, so the same text typed
    on Windows or a phone gives the same bytes and the same hash."""
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


def text_problem(text: str, max_length: int) -> TextProblem | None:
    """Why ``text`` (already cleaned) cannot be stored, or None."""
    if not text:
        return TextProblem.EMPTY
    if len(text) > max_length:
        return TextProblem.TOO_LONG
    return None


def snapshot_json(key: str | None, title: Mapping[str, str], body: Mapping[str, str]) -> str:
    """Exactly what a notice version shows, in one canonical spelling: the legal record of its
    content (Electronic Signature Law Art. 5: integrity since final formation). English may be empty."""
    return canonical_json({
        "format": SNAPSHOT_FORMAT,
        "key": key,
        "title": {locale: title.get(locale, "") for locale in LOCALES},
        "body": {locale: body.get(locale, "") for locale in LOCALES},
    })


def content_hash(snapshot: str) -> str:
    """SHA-256 hex of the snapshot's UTF-8 bytes: the version's identity (SPC Evidence Provisions Art. 93)."""
    return hashlib.sha256(snapshot.encode("utf-8")).hexdigest()


def notice_statement(locale: str, title: str, version: int) -> str:
    """The exact sentence the employee confirms; stored verbatim with the acknowledgement.

    The confirmation is explicit because silence is not a declaration (Civil Code Art. 140).
    """
    if locale == "en":
        return f"I have read and understood version {version} of “{title}” and confirm this by typing my full name."
    return f"我已阅读并理解《{title}》第 {version} 版的全部内容，并输入本人姓名确认。"


NUMBER_SEPARATORS = re.compile(r"[\s,，;；、]+")


def employee_numbers(text: str) -> list[str]:
    """Employee numbers as HR pastes them: separated by spaces, new lines, commas or semicolons
    (ASCII or Chinese), normalised, duplicates dropped, in order."""
    numbers = (normalise_employee_number(part) for part in NUMBER_SEPARATORS.split(text))
    return list(dict.fromkeys(number for number in numbers if number))
