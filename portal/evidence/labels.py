"""Translated names of ledger event types."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVENT_LABELS = {
    "course_version_published": _l("Course version published"),
    "course_assigned": _l("Course assigned"),
    "course_notified": _l("Delivered to the portal inbox"),
    "course_opened": _l("Course opened for the first time"),
    "lesson_viewed": _l("Lesson opened"),
    "lesson_read": _l("Lesson read"),
    "quiz_attempted": _l("Quiz attempt"),
    "course_acknowledged": _l("Acknowledged"),
}
