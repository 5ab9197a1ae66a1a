"""The layout around every page (``templates/_layout.html``), drawn once and kept per process.

The layout depends on whether someone is signed in, their role, whether the account has an
employee record, the language, the menu entry of the page (marked as the current one), the mount
point and whether the bell shows a count; these make the key it is kept under
(``portal.web.kept_html``). The CSRF token, the signed-in person's name, the bell's count and the
address the language switcher returns to are each request's own, put in at request time. The
page's title, its messages and its content go between the layout's four stretches
(``templates/base.html``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from flask import Response, current_app, render_template, request, session
from markupsafe import Markup, escape

from portal.web.fragments import frozen, render_alone
from portal.web.i18n import locale_code
from portal.web.kept_html import CUT, Drawn, filled, filled_bytes, kept_html, kept_parts, marker
from portal.web.signed_in import request_user
from portal.web.templating import NAVIGATION, menu

TEMPLATE = "_layout.html"
CUT_MARK = marker(CUT)  # where the page's title, messages and content go
# Only these endpoints are marked in the menu; every other page draws the same layout.
_MARKABLE = frozenset(item.endpoint for item in NAVIGATION) | {"auth.change_password"}


def kept_layout() -> tuple[Drawn, dict[str, Any]]:
    """The layout kept for this request's key, with the request's own values to fill it with."""
    values = request_values()
    signed_in, unread = values.pop("signed_in"), values.pop("unread_count")
    user = request_user()
    key = (TEMPLATE, signed_in, user.actor.role if signed_in else None, signed_in and user.employee_id is not None,
           locale_code(), values.pop("marked_endpoint"), request.script_root, bool(unread))
    if unread:
        values["unread_count"] = unread
    fixed = {"signed_in": signed_in, "marked_endpoint": key[5]} | ({} if unread else {"unread_count": 0})
    return kept_parts(key, partial(draw, **fixed), (*values, CUT)), values


def chrome() -> list[Markup]:
    """The layout's four stretches around the page's title, its messages and its content."""
    drawn, values = kept_layout()
    return Markup(filled(drawn, values, [(CUT_MARK,)] * 3)).split(CUT_MARK)


def page(title: str, *content: Markup) -> Response:
    """A page whose content is drawn already (kept parts), in the layout: what ``base.html`` draws
    around its ``title`` and ``content`` blocks, filled in one pass without drawing a template, as
    the response, its body joined from the kept parts' bytes (``filled_bytes``)."""
    drawn, values = kept_layout()
    return current_app.response_class(filled_bytes(drawn, values, ((escape(title),), (flash_messages(),), content)))


def kept_page(title: str, template: str, drawn: Mapping[str, Markup], **fixed: Any) -> Response:
    """A page whose content is ``template`` (not extending ``base.html``) drawn from ``fixed``
    alone, plain values it is kept by (with the language and the mount point), around ``drawn``,
    its parts drawn already (kept fragments, mostly), which are put in at request time; in the
    layout with ``title``. A list page draws its heading and sections once, not on every page."""
    key = ("kept page", template, locale_code(), request.script_root, frozen(fixed))
    content = kept_html(key, lambda **markers: render_alone(template, {**fixed, **markers}), **drawn)
    return page(title, content)


def flash_messages() -> Markup:
    """The messages flashed to this session (``_flashes.html``), which most pages have none of:
    then nothing, without drawing the template."""
    if "_flashes" not in session:  # ``in`` does not mark the session as read, nor did the template
        return Markup("")
    return Markup(render_template("_flashes.html"))


def draw(**values: Any) -> str:
    """The layout drawn with ``values`` (those of ``request_values``) and ``cut`` between stretches."""
    locale = locale_code()
    user = request_user()
    return render_template(TEMPLATE, navigation=menu(user.actor, locale) if values["signed_in"] else (),
                           html_lang="zh-CN" if locale == "zh_CN" else locale, **values)


def request_values() -> dict[str, Any]:
    """The layout's values for this request."""
    user = request_user()
    signed_in = user.is_authenticated
    return {
        "signed_in": signed_in,
        "display_name": user.display_name if signed_in else "",
        "unread_count": _unread(user) if signed_in else 0,
        "next_path": request.full_path.rstrip("?"),
        "marked_endpoint": request.endpoint if request.endpoint in _MARKABLE else None,
    }


def _unread(user: Any) -> int:
    """The bell's count, read with the account where it could be (see ``portal.auth.routes.load_user``)."""
    from portal.notifications.operations import unread_count_of

    return unread_count_of(user)
