"""Parts of pages drawn from their inputs alone, and kept by those inputs.

A list's table, counts and pager are a pure function of what the page read (plain rows, counts,
the page's cursors), the filter, the language and the mount point. :func:`kept_fragment` renders
such a template with exactly the values it is given, and keeps the HTML in the process under
those values: the same rows give the same HTML, other rows another key. Nothing has to be
invalidated and nothing is written on any path; a change to the data shows at once, because the
rows read on every request are the key.

The template sees only its arguments and the pure globals (``url_for``, translations, the date
filters); the request's user, session, flashed messages and CSRF token are refused with an error,
so a kept fragment can never hold one reader's token or another reader's data.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from jinja2 import StrictUndefined
from markupsafe import Markup
from sqlalchemy.engine import Row

from portal.core.kept import KeptParts, kept
from portal.web.i18n import locale_code

EXTENSION = "kept_fragments"
KEPT_FRAGMENTS = 256  # a few hundred pages of the lists per server process (about 30 KB each)
REQUEST_STATE = ("request", "session", "g", "current_user", "csrf_token", "get_flashed_messages", "can",
                 "current_path", "current_endpoint", "navigation", "unread_notifications")
_PLAIN = (str, int, float, bool, type(None), date, datetime, Decimal, enum.Enum)


def frozen(value: Any) -> Any:
    """``value`` as a hashable key that equals another only for equal contents: plain values and
    rows as they are; lists, tuples, dicts, sets, counters and dataclasses by their items.
    Anything hashed by identity (an ORM object, a function) is refused: its identity says nothing
    about its contents, so the key would not name what the fragment is drawn from."""
    if isinstance(value, _PLAIN) or isinstance(value, Row):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(map(frozen, value))
    if isinstance(value, Mapping):
        return frozenset((frozen(k), frozen(v)) for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return frozenset(map(frozen, value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value), tuple(frozen(getattr(value, f.name)) for f in dataclasses.fields(value))
    raise TypeError(f"a kept fragment is drawn from values, not from {type(value).__name__}")


def init_app(app: Any) -> None:
    app.extensions[EXTENSION] = KeptParts(KEPT_FRAGMENTS)
    app.add_template_filter(options)
    app.add_template_filter(selected)


def kept_fragment(template: str, **context: Any) -> Markup:
    """``template`` rendered with ``context`` alone, kept under it (with the language and mount point)."""
    key = (EXTENSION, template, locale_code(), frozen(context))
    return kept(key, lambda: Markup(_render(template, context)), current_app.extensions[EXTENSION])


def _render(template: str, context: dict[str, Any]) -> str:
    refused = {name: StrictUndefined(hint=f"{template} is kept by its arguments; pass {name} in", name=name)
               for name in REQUEST_STATE}
    return current_app.jinja_env.get_template(template).render({**refused, **context})


def options(choices: Any) -> Markup:
    """``<option>`` elements of ``(value, text)`` pairs (departments: a hundred or more), kept by them."""
    return kept_fragment("macros/_options.html", choices=choices)


def selected(options: Markup, value: object) -> Markup:
    """Kept ``<option>`` elements with the one whose value is ``value`` selected."""
    if value is None or value == "":
        return options
    option = f'<option value="{Markup.escape(value)}">'
    return Markup(options.replace(option, option[:-1] + " selected>", 1))
