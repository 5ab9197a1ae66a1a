"""Course content: load and validate the course files under ``courses/``, snapshot and hash them, render lessons.

Pure Python (standard library, ``markdown`` and ``nh3``): no Flask and no database, so it tests in milliseconds and
can check the files without starting the portal.

The files are edited by HR staff in a text editor, so every problem is reported as a :class:`CourseFileError` naming
the file and, where possible, the line, and all problems are collected before raising, so one run lists them all.

A course's :meth:`CourseSource.snapshot` is the legal record of exactly what an employee saw in one locale; its
:meth:`CourseSource.content_hash` changes exactly when that record changes.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import markdown
import nh3

LOCALES = ("zh_CN", "en")
AUDIENCES = frozenset({"onboarding", "short_tenure", "injured"})
SNAPSHOT_FORMAT = 1

COURSE_FILE = "course.toml"
QUIZ_FILE = "quiz.toml"
LOCALE_NAMES = {"zh_CN": "Chinese (zh_CN)", "en": "English (en)"}

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE_PATTERN = re.compile(r"^(\d{2})-([a-z0-9-]+)\.(zh_CN|en)\.md$")
QUESTION_ID_PATTERN = re.compile(r"^[a-z0-9_-]{1,32}$")
OPTION_ID_PATTERN = re.compile(r"^[a-z]$")
QUESTION_KINDS = ("single", "multiple")
MAX_QUESTIONS = 20
MIN_OPTIONS, MAX_OPTIONS = 2, 6

COURSE_KEYS = ("slug", "order", "audience", "due_days", "pass_mark", "title", "summary")
OPTIONAL_COURSE_KEYS = ("validity_months", "change")
CHANGE_KEYS = ("kind", "by", "note")
CHANGE_KINDS = ("minor", "material")
QUESTION_KEYS = ("id", "kind", "prompt", "explanation", "options")
OPTION_KEYS = ("id", "correct", *LOCALES)

ALLOWED_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "blockquote",
     "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "br", "hr", "a"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})


# --- errors -----------------------------------------------------------------------------------------------------


class CourseFileError(Exception):
    """A problem in a course file: names the file (path relative to the courses root), the line (1-based, or None
    when the problem is not on one line) and the reason."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        super().__init__(path, line, reason)
        self.path = path
        self.line = line
        self.reason = reason

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.reason}"
        return f"{self.path}:{self.line}: {self.reason}"


class CourseErrors(Exception):
    """Every problem found in one load, so an editor can fix them all in one go."""

    def __init__(self, errors: list[CourseFileError]) -> None:
        super().__init__(errors)
        self.errors = list(errors)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


# --- the parsed course --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizOption:
    id: str
    correct: bool
    text: dict[str, str]  # per locale


@dataclass(frozen=True)
class QuizQuestion:
    id: str
    kind: str  # "single" | "multiple"
    prompt: dict[str, str]
    explanation: dict[str, str]
    options: tuple[QuizOption, ...]

    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)


@dataclass(frozen=True)
class LessonSource:
    number: int
    slug: str
    filename: dict[str, str]  # per locale, e.g. "01-what-counts.zh_CN.md"
    title: dict[str, str]  # from the first line "# Title"
    body: dict[str, str]  # the Markdown after the title line, leading blank lines stripped
    text: dict[str, str]  # the whole file exactly as read (UTF-8, line endings kept): what the snapshot records


@dataclass(frozen=True)
class ChangeMark:
    """How the editor describes the edit since the last sync: ``minor`` keeps receipts valid,
    ``material`` asks everyone who acknowledged an earlier version again. Without a ``[change]``
    table an edit counts as material: asking again is the side that never loses evidence."""

    kind: str = "material"
    by: str = ""
    note: str = ""


@dataclass(frozen=True)
class CourseSource:
    slug: str
    order: int
    audience: frozenset[str]
    due_days: int
    pass_mark: int
    validity_months: int | None
    change: ChangeMark
    title: dict[str, str]
    summary: dict[str, str]
    lessons: tuple[LessonSource, ...]
    questions: tuple[QuizQuestion, ...]

    def snapshot(self, locale: str) -> dict[str, Any]:
        """What an employee reading this course in ``locale`` sees, as a JSON-serialisable dict.

        Only that locale's texts go in, so an edit to one language leaves the other language's hash alone. Settings
        that do not change what is shown (audience, due days, validity, the change mark) are left out on purpose.
        """
        _check_locale(locale)
        return {
            "format": SNAPSHOT_FORMAT,
            "slug": self.slug,
            "locale": locale,
            "title": self.title[locale],
            "summary": self.summary[locale],
            "pass_mark": self.pass_mark,
            "lessons": [
                {
                    "number": lesson.number,
                    "slug": lesson.slug,
                    "file": lesson.filename[locale],
                    "title": lesson.title[locale],
                    "markdown": lesson.text[locale],
                }
                for lesson in self.lessons
            ],
            "quiz": [
                {
                    "id": question.id,
                    "kind": question.kind,
                    "prompt": question.prompt[locale],
                    "explanation": question.explanation[locale],
                    "options": [
                        {"id": option.id, "correct": option.correct, "text": option.text[locale]}
                        for option in question.options
                    ],
                }
                for question in self.questions
            ],
        }

    def snapshot_json(self, locale: str) -> str:
        """The snapshot in one canonical spelling (sorted keys, no spaces), so equal content gives equal bytes."""
        return json.dumps(self.snapshot(locale), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def content_hash(self, locale: str) -> str:
        """SHA-256 hex of the canonical snapshot: the version identity of this course in ``locale``."""
        return hashlib.sha256(self.snapshot_json(locale).encode("utf-8")).hexdigest()


def _check_locale(locale: str) -> None:
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; expected one of {', '.join(LOCALES)}")


# --- loading -----------------------------------------------------------------------------------------------------


def load_course(root: Path, slug: str) -> CourseSource:
    """Load and validate the course in ``root / slug``; raises :class:`CourseErrors` listing every problem."""
    result = _read_course(Path(root), slug)
    if result.course is None:
        raise CourseErrors(result.errors)
    return result.course


def load_courses(root: Path) -> list[CourseSource]:
    """Load every course under ``root`` (each sub-folder holding a course.toml), sorted by (order, slug).

    Raises :class:`CourseErrors` with the problems of all courses, including slugs or orders used twice.
    """
    root = Path(root)
    if not root.is_dir():
        raise CourseErrors([CourseFileError(".", None, f"courses folder not found: {root}")])
    folders = sorted(
        entry.name for entry in root.iterdir()
        if entry.is_dir() and not entry.name.startswith(".") and (entry / COURSE_FILE).is_file()
    )
    results = [_read_course(root, folder) for folder in folders]
    errors = [error for result in results for error in result.errors]

    first_by_slug: dict[str, _CourseResult] = {}
    first_by_order: dict[int, _CourseResult] = {}
    for result in results:
        if result.slug is not None:
            other = first_by_slug.setdefault(result.slug, result)
            if other is not result:
                errors.append(CourseFileError(
                    f"{result.folder}/{COURSE_FILE}", result.slug_line,
                    f"slug {result.slug!r} is also used by {other.folder}/{COURSE_FILE}",
                ))
        if result.order is not None:
            other = first_by_order.setdefault(result.order, result)
            if other is not result:
                errors.append(CourseFileError(
                    f"{result.folder}/{COURSE_FILE}", result.order_line,
                    f"order {result.order} is also used by {other.folder}/{COURSE_FILE}; each course needs its own",
                ))
    if errors:
        raise CourseErrors(errors)
    courses = [result.course for result in results if result.course is not None]
    return sorted(courses, key=lambda course: (course.order, course.slug))


@dataclass
class _CourseResult:
    folder: str
    course: CourseSource | None
    errors: list[CourseFileError]
    # Kept even when the course has other errors, so clashes across courses are reported in the same run.
    slug: str | None = None
    slug_line: int | None = None
    order: int | None = None
    order_line: int | None = None


def _read_course(root: Path, folder: str) -> _CourseResult:
    result = _CourseResult(folder=folder, course=None, errors=[])
    errors = result.errors
    if not SLUG_PATTERN.fullmatch(folder):
        # Also keeps a caller-supplied slug such as "../x" from reaching the file system.
        errors.append(CourseFileError(folder, None, "course folder names use only a-z, 0-9 and single hyphens"))
        return result
    course_dir = root / folder
    if not course_dir.is_dir():
        errors.append(CourseFileError(folder, None, "course folder not found"))
        return result

    settings = _read_settings(course_dir, folder, result)
    lessons = _read_lessons(course_dir, folder, errors)
    questions = _read_quiz(course_dir, folder, errors)
    if errors or settings is None or lessons is None or questions is None:
        return result
    result.course = CourseSource(lessons=lessons, questions=questions, **settings)
    return result


# --- TOML helpers --------------------------------------------------------------------------------------------------


_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")

KeyPath = tuple[str | int, ...]


class _TomlLines:
    """Which line each table and key sits on, found by a light scan of the text.

    tomllib gives values but no positions. Paths look like ``("title", "en")`` or ``("questions", 2, "options", 0,
    "id")`` (array-of-tables entries by 0-based index). The scan is a heuristic: when it cannot place a key,
    :meth:`line` falls back to the enclosing table, then to None.
    """

    def __init__(self, text: str) -> None:
        self.lines: dict[KeyPath, int] = {}
        self.duplicate_line: int | None = None
        arrays: dict[KeyPath, int] = {}
        table: KeyPath = ()
        in_multiline = False
        for number, line in enumerate(text.split("\n"), start=1):
            was_in_multiline = in_multiline
            if (line.count('"""') + line.count("'''")) % 2:
                in_multiline = not in_multiline
            if was_in_multiline:
                continue
            header = _TOML_HEADER.match(line)
            if header:
                names = _split_key(header.group(2))
                resolved: KeyPath = ()
                for name in names[:-1]:
                    resolved += (name,)
                    if resolved in arrays:
                        resolved += (arrays[resolved],)
                resolved += (names[-1],)
                if header.group(1) == "[[":
                    arrays[resolved] = arrays.get(resolved, -1) + 1
                    resolved += (arrays[resolved],)
                table = resolved
                self.lines.setdefault(table, number)
                continue
            key = _TOML_KEY.match(line)
            if key:
                parts = _split_key(key.group(1))
                full = table + tuple(parts)
                if full in self.lines and self.duplicate_line is None:
                    self.duplicate_line = number
                for end in range(1, len(parts) + 1):
                    self.lines.setdefault(table + tuple(parts[:end]), number)

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path``, else of its nearest enclosing table that was found, else None."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return None


def _split_key(raw: str) -> list[str]:
    return [part.strip().strip("\"'") for part in raw.split(".")]


def _decode(data: bytes, path: str, errors: list[CourseFileError]) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(CourseFileError(path, line, "not valid UTF-8 text; save the file as UTF-8"))
        return None


def _parse_toml(file: Path, path: str, errors: list[CourseFileError]) -> tuple[dict[str, Any], _TomlLines] | None:
    if not file.is_file():
        errors.append(CourseFileError(path, None, "file is missing"))
        return None
    text = _decode(file.read_bytes(), path, errors)
    if text is None:
        return None
    if text.startswith("\ufeff"):
        errors.append(CourseFileError(path, 1, "file starts with a byte-order mark; save it as UTF-8 without BOM"))
        return None
    lines = _TomlLines(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = getattr(exc, "lineno", None)  # Python 3.14+ has it; 3.11 only has the message
        position = _TOML_POSITION.search(message)
        at_end = _TOML_END.search(message)
        if position:
            line = line or int(position.group(1))
            message = f"{message[: position.start()]} (column {position.group(2)})"
        elif at_end:
            message = message[: at_end.start()]
            # tomllib reports a repeated key at the very end of the file as "end of document"; the scan finds it.
            if message.startswith("Cannot overwrite") and lines.duplicate_line is not None:
                line = lines.duplicate_line
            else:
                line = line or max(1, len(text.rstrip("\n").split("\n")))
                message += " (at end of file)"
        errors.append(CourseFileError(path, line, f"invalid TOML: {message}"))
        return None
    return data, lines


def _type_name(value: object) -> str:
    names = {bool: "true/false", int: "a whole number", str: "text in quotes", list: "a list", dict: "a table",
             float: "a decimal number"}
    return names.get(type(value), type(value).__name__)


def _unknown_keys(table: dict[str, Any], allowed: Iterable[str], where: KeyPath, lines: _TomlLines, path: str,
                  errors: list[CourseFileError], context: str) -> None:
    """Keys nobody reads are almost always typos (``explaination``), so they are errors rather than ignored."""
    known = set(allowed)
    for key in table:
        if key not in known:
            errors.append(CourseFileError(path, lines.line((*where, key)),
                                          f"unknown key {key!r} in {context}; allowed: {', '.join(sorted(known))}"))


def _locale_texts(value: Any, where: KeyPath, lines: _TomlLines, path: str, errors: list[CourseFileError],
                  label: str) -> dict[str, str] | None:
    """A ``{zh_CN = "...", en = "..."}`` table with non-empty text in both locales, or None after reporting why."""
    if value is None:
        errors.append(CourseFileError(path, lines.line(where[:-1]) if len(where) > 1 else None,
                                      f"{label} is missing; give it in both zh_CN and en"))
        return None
    if not isinstance(value, dict):
        errors.append(CourseFileError(path, lines.line(where),
                                      f"{label} must be a table with zh_CN and en texts, not {_type_name(value)}"))
        return None
    ok = True
    texts: dict[str, str] = {}
    for locale in LOCALES:
        text = value.get(locale)
        if text is None:
            errors.append(CourseFileError(path, lines.line(where), f"{label} has no {LOCALE_NAMES[locale]} text"))
            ok = False
        elif not isinstance(text, str):
            errors.append(CourseFileError(path, lines.line((*where, locale)),
                                          f"{label}.{locale} must be text in quotes, not {_type_name(text)}"))
            ok = False
        elif not text.strip():
            errors.append(CourseFileError(path, lines.line((*where, locale)), f"{label}.{locale} is empty"))
            ok = False
        else:
            texts[locale] = text
    for key in value:
        if key not in LOCALES:
            errors.append(CourseFileError(path, lines.line((*where, key)),
                                          f"unknown locale {key!r} in {label}; use {' and '.join(LOCALES)}"))
            ok = False
    return texts if ok else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # TOML true is not a number


# --- course.toml ---------------------------------------------------------------------------------------------------


def _read_settings(course_dir: Path, folder: str, result: _CourseResult) -> dict[str, Any] | None:
    path = f"{folder}/{COURSE_FILE}"
    errors = result.errors
    parsed = _parse_toml(course_dir / COURSE_FILE, path, errors)
    if parsed is None:
        return None
    data, lines = parsed
    before = len(errors)

    def problem(key: str, reason: str) -> None:
        errors.append(CourseFileError(path, lines.line((key,)) if key in data else None, reason))

    for key in COURSE_KEYS:
        if key not in data:
            problem(key, f"{key} is missing")

    slug = data.get("slug")
    if "slug" in data:
        if not isinstance(slug, str):
            problem("slug", f"slug must be text in quotes, not {_type_name(slug)}")
        elif slug != folder:
            problem("slug", f"slug {slug!r} must equal the folder name {folder!r}")
        else:
            result.slug, result.slug_line = slug, lines.line(("slug",))

    order = data.get("order")
    if "order" in data:
        if not _is_int(order) or order < 1:
            problem("order", f"order must be a whole number from 1, not {order!r}")
        else:
            result.order, result.order_line = order, lines.line(("order",))

    audience = data.get("audience")
    if "audience" in data:
        if not isinstance(audience, list) or not audience:
            problem("audience", f"audience must be a non-empty list such as [\"onboarding\"], not {audience!r}")
        else:
            known = ", ".join(f'"{name}"' for name in sorted(AUDIENCES))
            for name in audience:
                if not isinstance(name, str) or name not in AUDIENCES:  # a table here would be unhashable
                    problem("audience", f"unknown audience {name!r}; allowed: {known}")
            if all(isinstance(name, str) for name in audience) and len(set(audience)) != len(audience):
                problem("audience", "audience lists a value twice")

    for key, low, high in (("due_days", 1, 365), ("pass_mark", 1, 100)):
        value = data.get(key)
        if key in data and (not _is_int(value) or not low <= value <= high):
            problem(key, f"{key} must be a whole number from {low} to {high}, not {value!r}")

    validity = data.get("validity_months")
    if "validity_months" in data and (not _is_int(validity) or not 1 <= validity <= 120):
        problem("validity_months", f"validity_months must be a whole number from 1 to 120, not {validity!r}")
    change = _read_change(data.get("change"), lines, path, errors)

    texts = {key: _locale_texts(data[key], (key,), lines, path, errors, key)
             for key in ("title", "summary") if key in data}
    title, summary = texts.get("title"), texts.get("summary")

    _unknown_keys(data, COURSE_KEYS + OPTIONAL_COURSE_KEYS, (), lines, path, errors, COURSE_FILE)
    if len(errors) > before or title is None or summary is None:
        return None
    return {
        "slug": slug,
        "order": order,
        "audience": frozenset(audience),
        "due_days": data["due_days"],
        "pass_mark": data["pass_mark"],
        "validity_months": validity,
        "change": change,
        "title": title,
        "summary": summary,
    }


def _read_change(value: Any, lines: _TomlLines, path: str, errors: list[CourseFileError]) -> ChangeMark:
    """The optional ``[change]`` table: ``kind`` minor or material, who edited and a short note."""
    if value is None:
        return ChangeMark()
    if not isinstance(value, dict):
        errors.append(CourseFileError(path, lines.line(("change",)),
                                      f"change must be a table [change] with kind, by and note, not {_type_name(value)}"))
        return ChangeMark()
    kind = value.get("kind", "material")
    if kind not in CHANGE_KINDS:
        errors.append(CourseFileError(path, lines.line(("change", "kind")) or lines.line(("change",)),
                                      f"change.kind must be \"minor\" or \"material\", not {kind!r}"))
    for key in ("by", "note"):
        if not isinstance(value.get(key, ""), str):
            errors.append(CourseFileError(path, lines.line(("change", key)),
                                          f"change.{key} must be text in quotes, not {_type_name(value[key])}"))
    _unknown_keys(value, CHANGE_KEYS, ("change",), lines, path, errors, "[change]")
    return ChangeMark(kind=str(kind), by=str(value.get("by", "")).strip()[:100], note=str(value.get("note", "")).strip()[:500])


# --- lessons -------------------------------------------------------------------------------------------------------


@dataclass
class _LessonFile:
    number: int
    slug: str
    locale: str
    name: str
    text: str = ""
    title: str = ""
    body: str = ""


_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\r?\n)+")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def _read_lessons(course_dir: Path, folder: str, errors: list[CourseFileError]) -> tuple[LessonSource, ...] | None:
    before = len(errors)
    files: list[_LessonFile] = []
    for entry in sorted(course_dir.iterdir(), key=lambda item: item.name):
        name = entry.name
        if name.startswith(".") or name in (COURSE_FILE, QUIZ_FILE):
            continue
        path = f"{folder}/{name}"
        match = LESSON_FILE_PATTERN.fullmatch(name)
        if entry.is_dir():
            errors.append(CourseFileError(path, None, "unexpected folder inside a course; remove it"))
        elif match is None:
            hint = (" (lesson files are named NN-lesson-slug.zh_CN.md or NN-lesson-slug.en.md, lower-case slug)"
                    if name.endswith(".md") else "")
            errors.append(CourseFileError(path, None,
                                          f"unexpected file in the course folder{hint}; remove or rename it"))
        else:
            lesson = _LessonFile(number=int(match.group(1)), slug=match.group(2), locale=match.group(3), name=name)
            _read_lesson_text(entry, path, lesson, errors)
            files.append(lesson)

    if not files:
        errors.append(CourseFileError(folder, None,
                                      "the course has no lessons; add at least one lesson in both locales"))
        return None

    by_number: dict[int, dict[str, _LessonFile]] = {}
    for lesson in files:
        same = by_number.setdefault(lesson.number, {})
        if lesson.locale in same:
            other = same[lesson.locale].name
            errors.append(CourseFileError(f"{folder}/{lesson.name}", None,
                                          f"lesson number {lesson.number:02d} is also used by {other}"))
        else:
            same[lesson.locale] = lesson

    numbers = sorted(by_number)
    for expected in range(1, numbers[-1] + 1):
        if expected not in by_number:
            following = next(number for number in numbers if number > expected)
            first = by_number[following].get(LOCALES[0]) or next(iter(by_number[following].values()))
            errors.append(CourseFileError(
                f"{folder}/{first.name}", None,
                f"no lesson {expected:02d}: lesson numbers start at 01 and have no gaps",
            ))
    if 0 in by_number:
        for lesson in by_number[0].values():
            errors.append(CourseFileError(f"{folder}/{lesson.name}", None, "lesson numbers start at 01, not 00"))

    for number in numbers:
        pair = by_number[number]
        for locale in LOCALES:
            if locale in pair:
                continue
            (other,) = pair.values()
            twin = f"{number:02d}-{other.slug}.{locale}.md"
            errors.append(CourseFileError(f"{folder}/{other.name}", None,
                                          f"no {LOCALE_NAMES[locale]} twin: add {twin}"))
        if len(pair) == len(LOCALES) and len({lesson.slug for lesson in pair.values()}) > 1:
            first, second = (pair[locale] for locale in LOCALES)
            errors.append(CourseFileError(f"{folder}/{second.name}", None,
                                          f"lesson slug {second.slug!r} differs from its twin {first.name}; "
                                          "both locales use the same number and slug"))

    if len(errors) > before:
        return None
    lessons = []
    for number in numbers:
        pair = by_number[number]
        lessons.append(LessonSource(
            number=number,
            slug=pair[LOCALES[0]].slug,
            filename={locale: pair[locale].name for locale in LOCALES},
            title={locale: pair[locale].title for locale in LOCALES},
            body={locale: pair[locale].body for locale in LOCALES},
            text={locale: pair[locale].text for locale in LOCALES},
        ))
    return tuple(lessons)


def _read_lesson_text(file: Path, path: str, lesson: _LessonFile, errors: list[CourseFileError]) -> None:
    # Bytes, not read_text(): text mode would turn \r\n into \n, and the snapshot must be the file as it is.
    text = _decode(file.read_bytes(), path, errors)
    if text is None:
        return
    first, _, rest = text.partition("\n")
    first = first.removesuffix("\r")
    if first.startswith("\ufeff"):
        errors.append(CourseFileError(path, 1, "file starts with a byte-order mark; save it as UTF-8 without BOM"))
        return
    title = first[2:].strip() if first.startswith("# ") else ""
    if not title:
        errors.append(CourseFileError(path, 1, "line 1 must be the lesson title as a heading: '# Lesson title'"))
        return
    in_fence = False
    for number, line in enumerate(rest.split("\n"), start=2):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and re.match(r"^ {0,3}#(?:[ \t]|$)", line):
            errors.append(CourseFileError(path, number, "only line 1 may be a level-1 heading '# '; use '## ' here"))
    lesson.text = text
    lesson.title = title
    lesson.body = _LEADING_BLANK_LINES.sub("", rest)


# --- quiz.toml -----------------------------------------------------------------------------------------------------


def _read_quiz(course_dir: Path, folder: str, errors: list[CourseFileError]) -> tuple[QuizQuestion, ...] | None:
    path = f"{folder}/{QUIZ_FILE}"
    parsed = _parse_toml(course_dir / QUIZ_FILE, path, errors)
    if parsed is None:
        return None
    data, lines = parsed
    before = len(errors)
    _unknown_keys(data, ("questions",), (), lines, path, errors, QUIZ_FILE)
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions or not all(isinstance(q, dict) for q in raw_questions):
        errors.append(CourseFileError(path, lines.line(("questions",)),
                                      "the quiz needs at least one [[questions]] block"))
        return None
    if len(raw_questions) > MAX_QUESTIONS:
        errors.append(CourseFileError(path, lines.line(("questions", MAX_QUESTIONS)),
                                      f"{len(raw_questions)} questions; at most {MAX_QUESTIONS} are allowed"))

    questions: list[QuizQuestion] = []
    seen_ids: dict[str, int] = {}
    for index, raw in enumerate(raw_questions):
        where: KeyPath = ("questions", index)
        question = _read_question(raw, index, where, lines, path, errors)
        if question is None:
            continue
        if question.id in seen_ids:
            first = seen_ids[question.id] + 1
            errors.append(CourseFileError(path, lines.line((*where, "id")),
                                          f"question id {question.id!r} is also used by question {first}"))
        else:
            seen_ids[question.id] = index
        questions.append(question)
    if len(errors) > before:
        return None
    return tuple(questions)


def _read_question(raw: dict[str, Any], index: int, where: KeyPath, lines: _TomlLines, path: str,
                   errors: list[CourseFileError]) -> QuizQuestion | None:
    before = len(errors)
    label = f"question {index + 1}"

    def problem(key: str | None, reason: str) -> None:
        errors.append(CourseFileError(path, lines.line(where if key is None else (*where, key)), reason))

    for key in QUESTION_KEYS:
        if key not in raw and key not in ("prompt", "explanation"):  # those two report through _locale_texts
            problem(None, f"{label} has no {key}")
    question_id = raw.get("id")
    if "id" in raw:
        if isinstance(question_id, str) and QUESTION_ID_PATTERN.fullmatch(question_id):
            label = f"question {question_id}"
        else:
            problem("id", f"{label}: id must be short text of a-z, 0-9, '-' or '_' such as \"q1\", not {question_id!r}")
    _unknown_keys(raw, QUESTION_KEYS, where, lines, path, errors, label)
    kind = raw.get("kind")
    if "kind" in raw and kind not in QUESTION_KINDS:
        problem("kind", f"{label}: kind must be \"single\" or \"multiple\", not {kind!r}")

    prompt = _locale_texts(raw.get("prompt"), (*where, "prompt"), lines, path, errors, f"{label}: prompt")
    explanation = _locale_texts(raw.get("explanation"), (*where, "explanation"), lines, path, errors,
                                f"{label}: explanation")

    options: list[QuizOption] = []
    raw_options = raw.get("options")
    if "options" in raw:
        if not isinstance(raw_options, list) or not all(isinstance(option, dict) for option in raw_options):
            problem("options", f"{label}: options must be [[questions.options]] blocks")
        else:
            if not MIN_OPTIONS <= len(raw_options) <= MAX_OPTIONS:
                count = len(raw_options)
                problem(None, f"{label} has {count} option{'' if count == 1 else 's'}; "
                              f"it needs {MIN_OPTIONS} to {MAX_OPTIONS}")
            seen: set[str] = set()
            for option_index, raw_option in enumerate(raw_options):
                option = _read_option(raw_option, option_index, (*where, "options", option_index), lines, path,
                                      errors, label)
                if option is None:
                    continue
                if option.id in seen:
                    errors.append(CourseFileError(path, lines.line((*where, "options", option_index, "id")),
                                                  f"{label}: option id {option.id!r} is used twice"))
                seen.add(option.id)
                options.append(option)

    if len(errors) > before or prompt is None or explanation is None:
        return None
    correct = sum(option.correct for option in options)
    if kind == "single" and correct != 1:
        problem("kind", f"{label} is single-choice, so it needs exactly one correct option, but has {correct}")
        return None
    if kind == "multiple" and correct < 2:
        problem("kind", f"{label} is multiple-choice, so it needs at least two correct options, but has {correct}")
        return None
    return QuizQuestion(id=question_id, kind=kind, prompt=prompt, explanation=explanation, options=tuple(options))


def _read_option(raw: dict[str, Any], index: int, where: KeyPath, lines: _TomlLines, path: str,
                 errors: list[CourseFileError], question_label: str) -> QuizOption | None:
    before = len(errors)
    option_id = raw.get("id")
    label = f"{question_label}, option {option_id if isinstance(option_id, str) else index + 1}"

    def problem(key: str | None, reason: str) -> None:
        errors.append(CourseFileError(path, lines.line(where if key is None else (*where, key)), reason))

    for key in ("id", "correct"):
        if key not in raw:
            problem(None, f"{label} has no {key}")
    _unknown_keys(raw, OPTION_KEYS, where, lines, path, errors, label)
    if "id" in raw and not (isinstance(option_id, str) and OPTION_ID_PATTERN.fullmatch(option_id)):
        problem("id", f"{label}: id must be one lower-case letter such as \"a\", not {option_id!r}")
    correct = raw.get("correct")
    if "correct" in raw and not isinstance(correct, bool):
        problem("correct", f"{label}: correct must be true or false (no quotes), not {correct!r}")
    # Option texts sit directly in the option table (zh_CN = "...", en = "..."), so check that table for locales.
    texts = _locale_texts({key: raw[key] for key in LOCALES if key in raw}, where, lines, path, errors, label)
    if len(errors) > before or texts is None:
        return None
    return QuizOption(id=option_id, correct=correct, text=texts)


# --- rendering and grading ------------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def render_markdown(text: str) -> str:
    """Lesson Markdown to HTML that is safe to insert into a page.

    Kept per text (versions never change, so the same text always gives the same HTML): a lesson,
    receipt or notice page would otherwise spend most of its time converting Markdown again.

    The files should hold no HTML, but they are edited by hand, so whatever Markdown passes through goes through an
    allow-list: no scripts, styles, event handlers, images or ``javascript:`` links. Table alignment is written as
    an ``align`` attribute because ``style`` is not allowed.
    """
    html = markdown.markdown(
        text,
        extensions=["tables", "sane_lists"],
        extension_configs={"tables": {"use_align_attribute": True}},
    )
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def grade(question: QuizQuestion, chosen: frozenset[str]) -> bool:
    """Right only when exactly the correct options are chosen: no partial credit on multiple-choice questions."""
    return frozenset(chosen) == question.correct_ids()


def unknown_option_ids(question: QuizQuestion, chosen: Iterable[str]) -> set[str]:
    """Chosen ids that are not options of ``question`` (a tampered or stale form), to reject before grading."""
    return set(chosen) - {option.id for option in question.options}
