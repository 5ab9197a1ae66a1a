"""The layout around every page (``templates/_layout.html``), drawn once and kept per process.

The layout depends on whether someone is signed in, their role, whether the account has an
employee record, the language, the menu entry of the page (marked as the current one) and the
mount point, and on four values of the request: the CSRF token, the signed-in person's name, the
bell's count and the address the language switcher returns to. It is drawn once per the former,
with a marker in place of each of the latter, and cut at the markers; each request puts its own
values in, escaped as Jinja would escape them. The page's title, its messages and its content go
between the layout's four stretches (``templates/base.html``).

Nothing kept holds a token, a name or a count: those come from the request every time.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from portal.web.i18n import locale_code
from portal.web.templating import NAVIGATION, menu

TEMPLATE = "_layout.html"
_CUT = "cut"
_MARK = re.compile("\ue000([a-z_]+)\ue001")
# Only these endpoints are marked in the menu; every other page draws the same layout.
_MARKABLE = frozenset(item.endpoint for item in NAVIGATION) | {"auth.change_password"}


def _marker(name: str) -> Markup:
    return Markup(f"\ue000{name}\ue001")


def chrome() -> tuple[Markup, Markup, Markup, Markup]:
    """The layout's four stretches around the page's title, its messages and its content."""
    user = current_user._get_current_object()
    values = _request_values()
    signed_in = user.is_authenticated
    key = (signed_in, user.actor.role if signed_in else None, signed_in and user.employee_id is not None,
           locale_code(), request.endpoint if request.endpoint in _MARKABLE else None, request.script_root,
           bool(values["unread_count"]))
    layouts = current_app.extensions.setdefault("portal_layouts", {})
    kept = layouts.get(key)
    if kept is None:
        kept = layouts[key] = _kept(signed_in, bool(values["unread_count"]))
    return tuple(Markup("".join([part if slot is None else escape(values[slot]) for slot, part in stretch]))
                 for stretch in kept)  # type: ignore[return-value]


def draw(**values: Any) -> str:
    """The layout drawn with ``values`` (each of ``_request_values``) and ``cut`` between stretches."""
    locale = locale_code()
    user = current_user._get_current_object()
    return render_template(TEMPLATE, navigation=menu(user.actor, locale) if values["signed_in"] else (),
                           html_lang="zh-CN" if locale == "zh_CN" else locale, **values)


def _request_values() -> dict[str, Any]:
    """The values of the layout that change from one request to the next."""
    user = current_user._get_current_object()
    signed_in = user.is_authenticated
    return {
        "signed_in": signed_in,
        "csrf": generate_csrf(),
        "display_name": user.display_name if signed_in else "",
        "unread_count": _unread(user) if signed_in else 0,
        "next_path": request.full_path.rstrip("?"),
        "marked_endpoint": request.endpoint if request.endpoint in _MARKABLE else None,
        _CUT: _marker(_CUT),
    }


def _unread(user: Any) -> int:
    """The bell's count, read with the account where it could be (see ``portal.auth.routes.load_user``)."""
    from portal.notifications.operations import unread_count_of

    return unread_count_of(user)


def _kept(signed_in: bool, unread: bool) -> tuple[tuple[tuple[str | None, str], ...], ...]:
    """The layout drawn with markers, as four stretches of (slot name or None, text) parts."""
    markers = {slot: _marker(slot) for slot in ("csrf", "display_name", "next_path")}
    drawn = draw(**_request_values() | markers | {"signed_in": signed_in,
                                                  "unread_count": _marker("unread_count") if unread else 0})
    pieces = _MARK.split(drawn)  # text, slot, text, slot, …, text
    stretches: list[list[tuple[str | None, str]]] = [[]]
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            stretches[-1].append((None, piece))
        elif piece == _CUT:
            stretches.append([])
        else:
            stretches[-1].append((piece, ""))
    return tuple(tuple(stretch) for stretch in stretches)
