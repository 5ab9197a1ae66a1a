"""Turning stored versions into what templates show."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.courses.content import QuizOption, QuizQuestion, render_markdown
from portal.courses.models import CourseVersion
from portal.courses.rules import Missing, Status


def lesson_html(lesson: dict[str, Any]) -> str:
    """The lesson body as sanitized HTML; its title line is shown as the page heading instead."""
    body = lesson["markdown"].split("\n", 1)[1] if "\n" in lesson["markdown"] else ""
    return render_markdown(body)


def questions_of(version: CourseVersion) -> list[QuizQuestion]:
    """The quiz exactly as this version showed it (graded against the version, not today's files)."""
    locale = version.locale
    return [
        QuizQuestion(
            id=item["id"], kind=item["kind"], prompt={locale: item["prompt"]},
            explanation={locale: item["explanation"]},
            options=tuple(QuizOption(id=o["id"], correct=o["correct"], text={locale: o["text"]}) for o in item["options"]),
        )
        for item in version.snapshot["quiz"]
    ]


_KIND_HINTS = ("（多选）", "(多选)", "（单选）", "(单选)", "choose all that apply", "choose one")


def kind_hint(question: QuizQuestion, locale: str) -> Any:
    """"(choose one)" or "(choose all that apply)", unless the prompt already says so itself."""
    prompt = question.prompt[locale].casefold()
    if any(hint in prompt for hint in _KIND_HINTS):
        return ""
    return _l("(choose one)") if question.kind == "single" else _l("(choose all that apply)")


STATUS_LABELS = MappingProxyType({
    Status.NOT_STARTED: _l("Not started"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.QUIZ_PASSED: _l("Quiz passed"),
    Status.ACKNOWLEDGED: _l("Acknowledged"),
    Status.OVERDUE: _l("Overdue"),
})


def status_labels() -> Mapping[Status, Any]:
    return STATUS_LABELS


MISSING_LABELS = {
    Missing.LESSONS: _l("Read every lesson to its end."),
    Missing.QUIZ: _l("Pass the quiz."),
}
