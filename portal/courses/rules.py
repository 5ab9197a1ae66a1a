"""Course rules: who gets which course, when it is due, what a status means, and when an
acknowledgement may be given. Pure Python: no Flask, no database, ``today`` passed in.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from portal.org.rules import ContractType


class Audience(str, enum.Enum):
    ONBOARDING = "onboarding"
    SHORT_TENURE = "short_tenure"
    INJURED = "injured"


class AssignmentReason(str, enum.Enum):
    ONBOARDING = "onboarding"
    SHORT_TENURE = "short_tenure"
    INJURED = "injured"
    MANUAL = "manual"
    NEW_VERSION = "new_version"
    RENEWAL = "renewal"


class Status(str, enum.Enum):
    """The HR matrix statuses, from least to most done; overdue wins over every unfinished one."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    QUIZ_PASSED = "quiz_passed"
    ACKNOWLEDGED = "acknowledged"
    OVERDUE = "overdue"


def audiences_on_hire(contract: ContractType) -> list[Audience]:
    """Every new hire takes the onboarding courses; short-term and probation staff also take the
    short-tenure ones, since their benefits rest on fewer months of wages (Regulations Art. 64)."""
    audiences = [Audience.ONBOARDING]
    if contract is ContractType.SHORT_TERM:
        audiences.append(Audience.SHORT_TENURE)
    return audiences


def reason_for(audience: Audience) -> AssignmentReason:
    return AssignmentReason(audience.value)


def due_date(assigned_on: date, due_days: int) -> date:
    return assigned_on + timedelta(days=due_days)


def status(
    *, opened: bool, quiz_passed: bool, acknowledged: bool, due: date, today: date
) -> Status:
    """One assignment's status (mirrored in SQL by ``operations.status_expression``)."""
    if acknowledged:
        return Status.ACKNOWLEDGED
    if today > due:
        return Status.OVERDUE
    if quiz_passed:
        return Status.QUIZ_PASSED
    if opened:
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


class Missing(str, enum.Enum):
    LESSONS = "lessons"
    QUIZ = "quiz"


def acknowledgement_blockers(lesson_numbers: Iterable[int], read: Iterable[int], quiz_passed: bool) -> list[Missing]:
    """What still stands between the employee and the acknowledgement: every lesson read, quiz passed.

    Silence is not a declaration (Civil Code Art. 140), so the acknowledgement is an explicit act
    allowed only once the content was actually read and understood.
    """
    blockers = []
    if set(lesson_numbers) - set(read):
        blockers.append(Missing.LESSONS)
    if not quiz_passed:
        blockers.append(Missing.QUIZ)
    return blockers


@dataclass(frozen=True)
class QuizResult:
    correct: int
    total: int
    percent: int
    passed: bool
    right: Mapping[str, bool]


def quiz_result(right: Mapping[str, bool], pass_mark: int) -> QuizResult:
    """Score as whole percent rounded down, so 79.9% never passes an 80% mark."""
    total = len(right)
    correct = sum(1 for ok in right.values() if ok)
    percent = (correct * 100) // total if total else 0
    return QuizResult(correct, total, percent, percent >= pass_mark, dict(right))


@dataclass(frozen=True)
class LessonRead:
    """One lesson as the statement names it: its number, title and when reading it ended (local time text)."""

    number: int
    title: str
    read_at: str


def acknowledgement_statement(locale: str, title: str, version: int, lessons: Iterable[LessonRead] = ()) -> str:
    """The exact sentence the employee confirms; stored verbatim with the acknowledgement.

    It names every lesson and when it was read, so the statement claims exactly what the
    server measured and nothing more.
    """
    lessons = list(lessons)
    if locale == "en":
        read = "; ".join(f"lesson {item.number} “{item.title}” finished {item.read_at}" for item in lessons)
        return (f"I have read and understood version {version} of “{title}”"
                + (f" ({read})" if read else "")
                + ", passed its quiz, and confirm this acknowledgement by typing my full name.")
    read = "；".join(f"第 {item.number} 课《{item.title}》于 {item.read_at} 读完" for item in lessons)
    return (f"我已阅读并理解《{title}》第 {version} 版的全部内容"
            + (f"（{read}）" if read else "")
            + "，已通过课程测验，并输入本人姓名确认。")


def _normalise_name(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def typed_name_matches(typed: str, full_name: str) -> bool:
    """The typed name must be the employee's own, ignoring spaces, width and case."""
    return bool(typed.strip()) and _normalise_name(typed) == _normalise_name(full_name)


def receipt_number(acknowledgement_id: int, on: date, prefix: str = "R") -> str:
    """Readable and unique: a prefix per kind of record (R courses, N notices, P paper), the date
    of the acknowledgement and the record number."""
    return f"{prefix}{on:%Y%m%d}-{acknowledgement_id:06d}"


def seconds_between(start_seconds: float, end_seconds: float, cap: int = 4 * 3600) -> int:
    """Time spent on a lesson, capped so a tab left open overnight does not count as study."""
    return int(max(0, min(end_seconds - start_seconds, cap)))


# Reading pace behind the minimum time: about twice a brisk reader's speed (Chinese is read at
# some 300-500 characters a minute, English at some 250 words a minute), so an attentive reader
# is never held up while a click-through is.
CJK_CHARACTERS_PER_SECOND = 15
WORDS_PER_SECOND = 8
MINIMUM_READING_FLOOR = 10


@lru_cache(maxsize=512)
def reading_units(text: str) -> tuple[int, int]:
    """(CJK characters, other words) in ``text``: what the reading time scales with (remembered per
    text: a lesson page asks on every view, and lesson texts never change)."""
    cjk = sum(1 for char in text if unicodedata.east_asian_width(char) in ("W", "F") and char.isalpha())
    words = len([word for word in "".join(" " if unicodedata.east_asian_width(c) in ("W", "F") else c
                                          for c in text).split() if any(c.isalnum() for c in word)])
    return cjk, words


def minimum_reading_seconds(text: str, scale: float = 1.0) -> int:
    """The least time a lesson must stay open before "finished reading" counts, scaled to its length.

    ``scale`` lets an installation tune the pace (0 turns the minimum off, e.g. for demonstrations).
    """
    cjk, words = reading_units(text)
    seconds = max(MINIMUM_READING_FLOOR, -(-cjk // CJK_CHARACTERS_PER_SECOND) + -(-words // WORDS_PER_SECOND))
    return int(seconds * scale)


def reading_counts(seconds_open: int, minimum_seconds: int) -> bool:
    """A lesson counts as read when its end was reached (the button sits after the text) no sooner
    than the minimum time after it was opened, both measured on the server."""
    return seconds_open >= minimum_seconds
