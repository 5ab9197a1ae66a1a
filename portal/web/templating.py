"""Template globals: navigation per role, locale helpers, and local-time filters."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from markupsafe import Markup

from portal.auth.access import current_actor
from portal.auth.policy import Actor, can
from portal.core.types import local_timestamp
from portal.evidence.labels import EVENT_LABELS
from portal.web.i18n import format_key, locale_code


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: LazyString
    action: str


    needs_employee: bool = False  # pages about one's own records, which admin accounts do not have


NAVIGATION = (
    NavItem("home.index", _l("Home"), "portal.use"),
    NavItem("courses.index", _l("My learning"), "learning.self", needs_employee=True),
    NavItem("notices.index", _l("My notices"), "notice.self", needs_employee=True),
    NavItem("cases.mine", _l("My case"), "case.self", needs_employee=True),
    NavItem("org.me", _l("My profile"), "employee.view", needs_employee=True),
    NavItem("org.employees", _l("Employees"), "employee.list"),
    NavItem("course_records.index", _l("Course records"), "course.records"),
    NavItem("notices_admin.index", _l("Notices"), "notice.manage"),
    NavItem("cases_admin.index", _l("Injury cases"), "case.view"),
    NavItem("evidence.index", _l("Evidence"), "evidence.view"),
    NavItem("workbench.index", _l("Workbench"), "workbench.view"),
    NavItem("workbench.reports", _l("Injury reports"), "workflow.report"),
    NavItem("notifications.duties", _l("Reminders"), "reminders.manage"),
    NavItem("accounts.index", _l("Accounts"), "account.manage"),
    NavItem("jobs.index", _l("Background jobs"), "jobs.view"),
    NavItem("api_admin.token_list", _l("API and webhooks"), "api.manage"),
)


@dataclass(frozen=True)
class MenuEntry:
    endpoint: str
    href: str
    label: str


def _allowed_items(actor: Actor) -> tuple[NavItem, ...]:
    """Exactly the entries the policy allows the signed-in user."""
    has_employee = actor.employee_id is not None
    return tuple(item for item in NAVIGATION
                 if can(actor, item.action) and (has_employee or not item.needs_employee))


def menu(actor: Actor, locale: str) -> tuple[MenuEntry, ...]:
    """The menu's entries with their addresses and labels, worked out once per role, whether the
    account has an employee record, language and mount point: nothing else changes them (the
    entries' actions carry no target, so the policy answers by role alone)."""
    key = (actor.role, actor.employee_id is not None, locale, request.script_root)
    menus = current_app.extensions.setdefault("portal_menus", {})
    entries = menus.get(key)
    if entries is None:
        entries = menus[key] = tuple(MenuEntry(item.endpoint, url_for(item.endpoint), str(item.label))
                                     for item in _allowed_items(actor))
    return entries


def fixed_url(endpoint: str, **values: Any) -> str:
    """``url_for`` for addresses that depend on nothing but the mount point (static files, the
    menu, the footer's forms), built once per application."""
    key = (request.script_root, endpoint, tuple(sorted(values.items())))
    urls = current_app.extensions.setdefault("portal_fixed_urls", {})
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for(endpoint, **values)
    return url


def local_datetime(value: datetime | None, format: str = "medium") -> str:
    """A UTC timestamp shown in Asia/Shanghai (Flask-Babel converts to BABEL_DEFAULT_TIMEZONE)."""
    return "" if value is None else _formatted(format_datetime, value, format, *format_key())


def local_date(value: date | None, format: str = "medium") -> str:
    return "" if value is None else _formatted(format_date, value, format, *format_key())


@lru_cache(maxsize=8192)
def _formatted(formatter: Callable[[Any, str], str], value: date, format: str, locale: object, zone: object) -> str:
    """Babel's formatting, remembered: a list repeats the same few dates in every row, and each
    costs tens of microseconds. The key holds what the result depends on (``locale`` and ``zone``
    are the active ones, which ``formatter`` reads itself)."""
    return formatter(value, format)


def timestamp(value: datetime | None) -> str:
    """Recorded moments on receipts and statements, in one format (Beijing time to the second)."""
    return "" if value is None else local_timestamp(value)


def yuan(amount: Decimal | str | int | None, unit: bool = True) -> str:
    """Every amount of money in one format: thousands separated, two decimals, the unit after it
    ("9,300.00 元" / "9,300.00 yuan"); ``unit=False`` in table cells under a heading that names it."""
    if amount is None or amount == "":
        return ""
    number = f"{Decimal(str(amount)):,.2f}"
    return _("%(amount)s yuan", amount=number) if unit else number


def row_links(endpoint: str, key: str, **values: Any) -> Callable[[object], str]:
    """The links of a table's rows to ``endpoint``, which differ only in ``key`` (an id, a receipt
    number): built once with ``url_for`` and filled in per row, since building each costs more than
    the rest of its cell. A value that URL quoting would change goes through ``url_for``."""
    built = url_for(endpoint, **values, **{key: _LINK_MARKER})
    head, found, tail = built.partition(str(_LINK_MARKER))
    if not found or str(_LINK_MARKER) in tail:
        return lambda value: url_for(endpoint, **values, **{key: value})

    def link(value: object) -> str:
        text = str(value)
        return f"{head}{text}{tail}" if _URL_SAFE.fullmatch(text) else url_for(endpoint, **values, **{key: value})

    return link


_LINK_MARKER = 9_081_726_354  # a value no row has, found once in the link built with it
_URL_SAFE = re.compile(r"[A-Za-z0-9._~-]+")


def cells(**labels: Any) -> dict[str, Markup]:
    """Each column's opening ``<td data-label="…">`` (the label a phone shows beside the value),
    escaped once for a whole table; a template reads them by key (``td["name"]``), which Jinja
    looks up without trying an attribute first."""
    return {key: Markup('<td data-label="%s">') % str(label) for key, label in labels.items()}


def as_text(labels: Mapping[Any, Any]) -> Mapping[Any, str]:
    """Labels translated once for a whole table, not once per row (lazy strings translate each
    time they are shown). A fixed set of labels (a ``MappingProxyType`` made in place: nothing can
    change it) is translated once per language and process."""
    if type(labels) is not MappingProxyType:
        return {key: str(label) for key, label in labels.items()}
    key = (id(labels), locale_code())
    known = _TEXTS.get(key)
    if known is None or known[0] is not labels:
        known = (labels, MappingProxyType({key: str(label) for key, label in labels.items()}))
        _TEXTS[key] = known  # holds the labels, so their id names nothing else meanwhile
    return known[1]


_TEXTS: dict[tuple[int, str], tuple[Mapping[Any, Any], Mapping[Any, str]]] = {}


def _context() -> dict[str, Any]:
    """What any template may use; the layout's own values come from ``portal.web.layout``."""
    return {
        "current_locale": locale_code(),
        "can": _can,
        "event_labels": EVENT_LABELS,
        "fixed_url": fixed_url,
    }


def _can(action: str, target: object = None) -> bool:
    return can(current_actor(), action, target)


def init_app(app: Flask) -> None:
    from portal.web import layout  # it reads this module's menu

    app.context_processor(_context)
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(timestamp)
    app.add_template_filter(yuan)
    app.add_template_filter(as_text)
    app.add_template_global(row_links)
    app.add_template_global(cells)
    app.add_template_filter(json.loads, "fromjson")
    app.add_template_global(layout.chrome, "layout_chrome")
    app.add_template_global(layout.flash_messages)
