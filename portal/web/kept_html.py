"""HTML drawn once and kept per process, with each request's own values put in.

A stretch of HTML that depends on a few stable things (a course version, a language, a role, the
mount point) and on a few values of the request (the CSRF token, a name, a count) is drawn once per
the former with a marker in place of each value, and cut at the markers. Each request then joins
the kept text with its own values, escaped as Jinja escapes them, so the result is the HTML the
template draws for that request. The key must name everything else the HTML depends on.

The CSRF token is always a value put in at request time: while the HTML is drawn, flask-wtf's
per-request token is a marker, so ``csrf_token()`` and ``form.hidden_tag()`` draw the marker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, g
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from portal.core.kept import KeptParts

CSRF = "csrf"
_MARK = re.compile("\ue000([a-z_]+)\ue001")
_Parts = tuple[tuple[str | None, str], ...]


def marker(name: str) -> Markup:
    """What stands for the value ``name`` while the HTML is drawn (characters no text holds)."""
    return Markup(f"\ue000{name}\ue001")


def kept_html(key: Hashable, draw: Callable[..., str], **values: Any) -> Markup:
    """``draw(**markers)`` once per ``key`` (one marker per name in ``values``), then filled in with
    ``values`` and the request's CSRF token."""
    kept = current_app.extensions.setdefault("portal_kept_html", KeptParts())  # bounded: keys hold the mount point
    parts: _Parts | None = kept.get(key)
    if parts is None:
        parts = _drawn_with_markers(draw, values)
        kept.put(key, parts)
    if any(slot == CSRF for slot, _text in parts):
        values = {**values, CSRF: generate_csrf()}
    return Markup("".join([text if slot is None else escape(values[slot]) for slot, text in parts]))


def _drawn_with_markers(draw: Callable[..., str], values: dict[str, Any]) -> _Parts:
    signed = generate_csrf()  # the session's token exists before the marker stands in for its signed form
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    setattr(g, field, marker(CSRF))
    try:
        drawn = draw(**{name: marker(name) for name in values})
    finally:
        setattr(g, field, signed)
    pieces = _MARK.split(drawn)  # text, name, text, name, …, text
    return tuple((None, piece) if index % 2 == 0 else (piece, "") for index, piece in enumerate(pieces))
