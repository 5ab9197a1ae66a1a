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
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache, partial
from itertools import chain, compress
from operator import attrgetter, is_
from typing import Any

from flask import current_app
from jinja2 import StrictUndefined
from markupsafe import Markup, escape
from sqlalchemy.engine import Row
from wtforms.widgets import html_params

from portal.core.kept import KeptParts, kept
from portal.web.csrf_tokens import request_token
from portal.web.kept_html import Html
from portal.web.i18n import locale_code

EXTENSION = "kept_fragments"
KEPT_FRAGMENTS = 256  # a few hundred pages of the lists per server process (about 30 KB each)
REQUEST_STATE = ("request", "session", "g", "current_user", "csrf_token", "get_flashed_messages", "can",
                 "current_path", "current_endpoint", "navigation", "unread_notifications")
_TOKEN_SLOT = f"csrf-slot-{uuid.uuid4().hex}"  # in a kept form where the reader's token goes
_PLAIN = {str, int, float, bool, type(None), date, datetime, Decimal}  # and the enumerations met (_plain)
_INEXACT = {float, Decimal, datetime}  # equal values that may be shown differently (1.0 / 1.00, time zones)
_SHOWN = ((float, repr), (Decimal, repr), (datetime, datetime.utcoffset))  # what tells those apart, in C
KEYED_TUPLES = 64
_KEYED: dict[int, tuple[Any, Any]] = {}  # id of a tuple of plain tuples → (that tuple, its key)


def _plain(kinds: set[type]) -> bool:
    """Values of these types are compared by content (an enumeration's member by its identity,
    which is its content)."""
    if kinds <= _PLAIN:
        return True
    if all(issubclass(kind, enum.Enum) for kind in kinds - _PLAIN):
        _PLAIN.update(kinds)
        return True
    return False


def _exact(value: Any) -> Any:
    """A value of ``_INEXACT`` as what tells it from an equal one shown differently."""
    if isinstance(value, datetime):
        return value, value.utcoffset()
    return repr(value)


def frozen(value: Any) -> Any:
    """``value`` as a hashable key that equals another only for values drawn alike: plain values
    with their type (``1``, ``True`` and ``1.0`` are equal in Python, not on a page); rows (with
    their column names), lists, tuples, named tuples, dicts, sets, counters and dataclasses by their items.
    Anything compared by identity (an ORM object, a function) is refused: its identity says
    nothing about its contents, so the key would not name what the fragment is drawn from."""
    kind = type(value)
    if kind is str:
        return value
    if kind in _PLAIN or isinstance(value, enum.Enum):
        return kind, _exact(value) if kind in _INEXACT else value
    if kind is list or kind is tuple:
        if value and isinstance(value[0], Row):
            return _rows(value)
        if value and type(value[0]) is tuple:
            return _tuples(value)
        records = _records(value) if value else None
        return records if records is not None else (kind, tuple(map(frozen, value)))
    if isinstance(value, Row):
        return _rows([value])
    if isinstance(value, tuple) and hasattr(kind, "_fields"):  # a named tuple: its type and its items
        return kind, tuple(map(frozen, value))
    if isinstance(value, Mapping):  # in order: a template shows a mapping's items in its order
        return kind, tuple((frozen(k), frozen(v)) for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return kind, frozenset(map(frozen, value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return kind, tuple(frozen(getattr(value, f.name)) for f in dataclasses.fields(value))
    raise TypeError(f"a kept fragment is drawn from values, not from {kind.__name__}")


def _flat(values: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """Plain values as their types and values, with what tells apart equal values that may be shown
    differently (a float's or decimal's digits, a time's offset) gathered kind by kind, all in C
    loops; None when some value is not plain."""
    types = tuple(map(type, values))
    kinds = set(types)
    if not _plain(kinds):
        return None
    if kinds & _INEXACT:
        return types, values, tuple(tuple(map(shown, compress(values, map(partial(is_, kind), types))))
                                    for kind, shown in _SHOWN if kind in kinds)
    return types, values


def _rows(rows: Sequence[Any]) -> tuple[Any, ...]:
    """Rows of one result as their column names and their values in one flat tuple (a page's rows
    are checked and hashed in a few C loops, not row by row)."""
    parent = rows[0]._parent
    if all(isinstance(row, Row) and row._parent is parent for row in rows):
        flat = _flat(tuple(chain.from_iterable(rows)))
        if flat is not None:
            return Row, rows[0]._fields, flat
    return Row, tuple((frozen(row._fields), frozen(tuple(row))) for row in rows)


def _tuples(tuples: Sequence[Any]) -> tuple[Any, ...]:
    """Tuples of one width (choices, pairs) as one flat tuple, checked in a few C loops. A tuple of
    such tuples can never change, so its key is kept with it: the kept department choices, met
    several times a request, are walked once."""
    known = _KEYED.get(id(tuples))
    if known is not None and known[0] is tuples:
        return known[1]
    width = len(tuples[0])
    if all(type(item) is tuple and len(item) == width for item in tuples):
        flat = _flat(tuple(chain.from_iterable(tuples)))
        if flat is not None:
            key = type(tuples), width, flat
            if type(tuples) is tuple:
                if len(_KEYED) >= KEYED_TUPLES:
                    _KEYED.clear()
                _KEYED[id(tuples)] = (tuples, key)  # held, so its id names no other tuple meanwhile
            return key
    return type(tuples), tuple(map(frozen, tuples))


def _records(items: Sequence[Any]) -> tuple[Any, ...] | None:
    """Named tuples or dataclass instances of one type holding plain values (a list page's lines)
    as that type and their values in one flat tuple, read and checked in a few C loops; None for
    anything else."""
    kind = type(items[0])
    fields = _record_fields(kind)
    if fields is None or not all(type(item) is kind for item in items):
        return None
    values = chain.from_iterable(items) if fields is True else chain.from_iterable(map(fields, items))
    flat = _flat(tuple(values))
    return None if flat is None else (type(items), kind, flat)


@cache
def _record_fields(kind: type) -> Callable[[Any], tuple[Any, ...]] | bool | None:
    """True for a named tuple (its items are its fields), a reader of every field for a dataclass,
    None for any other type."""
    if issubclass(kind, tuple) and hasattr(kind, "_fields"):
        return True
    if dataclasses.is_dataclass(kind):
        names = [field.name for field in dataclasses.fields(kind)]
        read = attrgetter(*names)
        return read if len(names) > 1 else lambda item: (read(item),)
    return None


def init_app(app: Any) -> None:
    app.extensions[EXTENSION] = KeptParts(KEPT_FRAGMENTS)
    app.add_template_filter(options)
    app.add_template_filter(selected)


def kept_fragment(template: str, **context: Any) -> Markup:
    """``template`` rendered with ``context`` alone, kept under it (with the language and mount point)."""
    key = (EXTENSION, template, locale_code(), frozen(context))
    return kept(key, lambda: Html.of(render_alone(template, context)), current_app.extensions[EXTENSION])


def kept_fragment_of(template: str, inputs: Any, context: Callable[[], dict[str, Any]]) -> Markup:
    """``template`` rendered with ``context()``, kept under ``inputs`` (with the language and the mount
    point): the plain values, rows as read and the day, that ``context`` computes what it shows from
    with pure functions of them and of the language. A view that finds it computes nothing: its key is
    the rows it read, checked in a few C loops, not the records and states made from them."""
    key = (EXTENSION, template, locale_code(), "from", frozen(inputs))
    return kept(key, lambda: Html.of(render_alone(template, context())), current_app.extensions[EXTENSION])


def kept_form(template: str, key: Any, make_form: Callable[[], Any], **context: Any) -> Markup:
    """``template`` drawing a fresh form (``form``: no input, no errors), kept under ``key`` (what the
    form shows: its choices, its defaults, the page it posts to) and the language. The reader's CSRF
    token is put in per request: what is kept holds a slot, never a token."""
    def draw() -> Markup:
        form = make_form()
        form.csrf_token.current_token = _TOKEN_SLOT
        return Markup(render_alone(template, {**context, "form": form}))

    html = kept((EXTENSION, template, locale_code(), frozen(key)), draw, current_app.extensions[EXTENSION])
    return Markup(str(html).replace(_TOKEN_SLOT, str(escape(request_token()))))


def form_fragment(template: str, form: Any, **context: Any) -> Markup:
    """``template`` drawing ``form`` as the reader filled it (its input, its errors): never kept."""
    return Markup(render_alone(template, {**context, "form": form}))


def render_alone(template: str, context: dict[str, Any]) -> str:
    """``template`` drawn from ``context`` alone: what a kept part is kept by (the request's own
    state is refused, with a hint to pass it in)."""
    refused = {name: StrictUndefined(hint=f"{template} is kept by its arguments; pass {name} in", name=name)
               for name in REQUEST_STATE}
    return current_app.jinja_env.get_template(template).render({**refused, **context})


def options(choices: Any) -> Markup:
    """``<option>`` elements of ``(value, text)`` pairs (departments: a hundred or more), kept by them."""
    return kept_fragment("macros/_options.html", choices=choices)


class KeptSelect:
    """A WTForms select whose options (a hundred departments) are kept by its choices (``(value,
    label)`` pairs), the chosen one marked per request."""

    def __call__(self, field: Any, **attributes: Any) -> Markup:
        attributes.setdefault("id", field.id)
        opening = Markup("<select %s>") % Markup(html_params(name=field.name, **attributes))
        return opening + selected(options(field.choices), field.data) + Markup("</select>")


def selected(options: Markup, value: object) -> Markup:
    """Kept ``<option>`` elements with the one whose value is ``value`` selected."""
    if value is None or value == "":
        return options
    option = f'<option value="{Markup.escape(value)}">'
    return Markup(str(options).replace(option, option[:-1] + " selected>", 1))  # Markup.replace would escape
