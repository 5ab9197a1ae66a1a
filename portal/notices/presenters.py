"""Turning notice versions and statuses into what templates show."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core.records import one_of
from portal.courses.content import render_markdown
from portal.extensions import db
from portal.notices import rules
from portal.notices.models import NoticeDelivery, NoticeVersion
from portal.notices.operations import MyDelivery
from portal.notices.rules import ResponseKind, Status

STATUS_LABELS = MappingProxyType({
    Status.UNREAD: _l("Unread"),
    Status.READ: _l("Read, not acknowledged"),
    Status.ACKNOWLEDGED: _l("Acknowledged"),
    Status.OVERDUE: _l("Overdue"),
})

SECTION_TITLES = MappingProxyType({  # fixed, so translated once per language (``as_text``)
    Status.OVERDUE: _l("Overdue"),
    Status.UNREAD: _l("New"),
    Status.READ: _l("To acknowledge"),
    Status.ACKNOWLEDGED: _l("Done"),
})

KIND_LABELS = {
    ResponseKind.QUESTION: _l("A question"),
    ResponseKind.OBJECTION: _l("An objection"),
}


def status_of(delivery: NoticeDelivery | MyDelivery, today: date) -> Status:
    return rules.status(opened=delivery.first_opened_at is not None, acknowledged=delivery.acknowledged_at is not None,
                        due=delivery.due_date, today=today)


def version_titles(deliveries: Iterable[MyDelivery], locale: str) -> dict[int, str]:
    """The title of each delivered version in ``locale``, as the version shows it (Chinese when it
    has no text in that language). A version never changes: its titles are kept per process once
    read, so only versions not seen before are read (one statement); notices have a few versions
    each, so what is kept stays small."""
    wanted = {delivery.version_id for delivery in deliveries}
    known: dict[int, dict[str, str]] = current_app.extensions.setdefault("portal_notice_titles", {})
    missing = [version_id for version_id in wanted if version_id not in known]
    if missing:
        for version in db.session.execute(sa.select(NoticeVersion).where(one_of(NoticeVersion.id, missing))).scalars():
            known[version.id] = {code: version.title(code) for code in rules.LOCALES}
    return {version_id: known[version_id][locale] for version_id in wanted}


def sections(deliveries: Iterable[MyDelivery], today: date) -> list[tuple[Status, list[MyDelivery]]]:
    """My notices grouped as overdue, new, to acknowledge and done; empty groups left out."""
    groups: dict[Status, list[MyDelivery]] = {state: [] for state in SECTION_TITLES}
    for delivery in deliveries:
        groups[status_of(delivery, today)].append(delivery)
    return [(state, items) for state, items in groups.items() if items]


def body_html(version: NoticeVersion, locale: str) -> str:
    """The version's text in ``locale`` (or Chinese) as sanitized HTML."""
    return render_markdown(version.body(locale))


def all_texts(version: NoticeVersion) -> list[dict[str, Any]]:
    """Every text the version holds (its SHA-256 covers them all), Chinese first."""
    return [
        {"locale": locale, "lang": "zh-CN" if locale == "zh_CN" else locale, "title": version.snapshot["title"][locale],
         "html": render_markdown(version.snapshot["body"][locale])}
        for locale in rules.LOCALES if version.snapshot["body"][locale]
    ]
