"""Scenario notice files: ``notices/<key>.zh_CN.md`` and ``notices/<key>.en.md``, first line ``# Title``.

Pure Python: no Flask, no database. HR staff edit these files by hand, so every problem names the file
and, where there is one, the line; all problems are collected before raising, and a run with any
problem loads nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from portal.notices.rules import BODY_MAX, LOCALES, TITLE_MAX, clean_text, clean_title

FILE_PATTERN = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.(zh_CN|en)\.md$")
KEY_MAX = 60
IGNORED = frozenset({"README.md"})
LOCALE_NAMES = {"zh_CN": "Chinese (zh_CN)", "en": "English (en)"}
_LEVEL_1_HEADING = re.compile(r"^ {0,3}#(?:[ \t]|$)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


class NoticeFileError(Exception):
    """A problem in one notice file: the file name, the line (1-based, or None) and the reason."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        super().__init__(path, line, reason)
        self.path, self.line, self.reason = path, line, reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.line is None else f"{self.path}:{self.line}: {self.reason}"


class NoticeErrors(Exception):
    """Every problem found in one load."""

    def __init__(self, errors: list[NoticeFileError]) -> None:
        super().__init__(errors)
        self.errors = list(errors)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


@dataclass(frozen=True)
class NoticeSource:
    key: str
    title: dict[str, str]  # per locale
    body: dict[str, str]  # the Markdown after the title line
    files: dict[str, str]  # per locale, the file name, for messages


def load_notices(root: Path) -> list[NoticeSource]:
    """Every scenario notice under ``root``, sorted by key; raises :class:`NoticeErrors`."""
    root = Path(root)
    if not root.is_dir():
        raise NoticeErrors([NoticeFileError(str(root), None, "notices folder not found")])
    errors: list[NoticeFileError] = []
    texts: dict[str, dict[str, tuple[str, str, str]]] = {}
    for entry in sorted(root.iterdir(), key=lambda item: item.name):
        if entry.name.startswith(".") or entry.name in IGNORED:
            continue
        match = FILE_PATTERN.fullmatch(entry.name)
        if entry.is_dir() or match is None:
            errors.append(NoticeFileError(entry.name, None, "unexpected entry; notice files are named "
                                                            "<key>.zh_CN.md and <key>.en.md (key: a-z, 0-9, -)"))
            continue
        key, locale = match.groups()
        if len(key) > KEY_MAX:
            errors.append(NoticeFileError(entry.name, None, f"the key is longer than {KEY_MAX} characters"))
            continue
        parsed = _read(entry, errors)
        if parsed is not None:
            texts.setdefault(key, {})[locale] = (entry.name, *parsed)
    for key, pair in texts.items():
        for locale in LOCALES:
            if locale not in pair:
                (name, _title, _body), = pair.values()
                errors.append(NoticeFileError(name, None, f"no {LOCALE_NAMES[locale]} twin: add {key}.{locale}.md"))
    if errors:
        raise NoticeErrors(errors)
    return [
        NoticeSource(key=key, title={loc: pair[loc][1] for loc in LOCALES}, body={loc: pair[loc][2] for loc in LOCALES},
                     files={loc: pair[loc][0] for loc in LOCALES})
        for key, pair in sorted(texts.items())
    ]


def _read(file: Path, errors: list[NoticeFileError]) -> tuple[str, str] | None:
    """(title, body) of one file, or None after reporting why not."""
    data = file.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        errors.append(NoticeFileError(file.name, data[: exc.start].count(b"\n") + 1,
                                      "not valid UTF-8 text; save the file as UTF-8"))
        return None
    if text.startswith("\ufeff"):
        errors.append(NoticeFileError(file.name, 1, "file starts with a byte-order mark; save it as UTF-8 without BOM"))
        return None
    first, _, rest = text.partition("\n")
    title = clean_title(first[2:]) if first.startswith("# ") else ""
    if not title:
        errors.append(NoticeFileError(file.name, 1, "line 1 must be the notice title as a heading: '# Title'"))
        return None
    if len(title) > TITLE_MAX:
        errors.append(NoticeFileError(file.name, 1, f"the title is longer than {TITLE_MAX} characters"))
        return None
    before = len(errors)
    in_fence = False
    for number, line in enumerate(rest.split("\n"), start=2):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and _LEVEL_1_HEADING.match(line):
            errors.append(NoticeFileError(file.name, number,
                                          "only line 1 may be a level-1 heading '# '; use '## ' here"))
    body = clean_text(rest)
    if not body:
        errors.append(NoticeFileError(file.name, 2, "the notice has no text after the title line"))
    elif len(body) > BODY_MAX:
        errors.append(NoticeFileError(file.name, None, f"the text is longer than {BODY_MAX} characters"))
    return None if len(errors) > before else (title, body)
