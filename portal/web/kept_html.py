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
from collections.abc import Callable, Hashable, Iterable
from typing import Any, NamedTuple, TypeVar

from flask import current_app, g
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from portal.core.kept import KeptParts
from portal.web.csrf_tokens import request_token

CSRF = "csrf"
CUT = "cut"  # where pieces drawn already go, put in as they are (``filled``'s ``cuts``)
_MARK = re.compile("\ue000([a-z_]+)\ue001")
T = TypeVar("T", str, bytes)


class Html(Markup):
    """HTML kept and sent again and again, with its UTF-8 bytes made once: a page's body is joined
    from them instead of encoding the whole page for every response. What Markup's operations make
    of it is new HTML without them (``utf8_of`` encodes it)."""

    utf8: bytes

    @classmethod
    def of(cls, text: str) -> Html:
        html = cls(text)
        html.utf8 = text.encode()
        return html


def utf8_of(html: str) -> bytes:
    return html.utf8 if type(html) is Html and "utf8" in html.__dict__ else html.encode()


class Drawn(NamedTuple):
    """HTML drawn with markers, as its text and its slots: (None, text) or (name, ""); and the same
    with each text as UTF-8 bytes. ``whole``: the HTML itself when it has no slot."""

    parts: tuple[tuple[str | None, str], ...]
    has_token: bool
    cut: bool
    encoded: tuple[tuple[str | None, bytes], ...]
    whole: Html | None


def marker(name: str) -> Markup:
    """What stands for the value ``name`` while the HTML is drawn (characters no text holds)."""
    return Markup(f"\ue000{name}\ue001")


def kept_html(key: Hashable, draw: Callable[..., str], **values: Any) -> Markup:
    """``draw(**markers)`` once per ``key`` (one marker per name in ``values``), then filled in with
    ``values`` and the request's CSRF token."""
    drawn = kept_parts(key, draw, values)
    return drawn.whole if drawn.whole is not None else Markup(filled(drawn, values))


def kept_parts(key: Hashable, draw: Callable[..., str], names: Iterable[str]) -> Drawn:
    """What ``draw(**markers)`` gives for ``key`` (one marker per name in ``names``), drawn once."""
    kept = current_app.extensions.setdefault("portal_kept_html", KeptParts())  # bounded: keys hold the mount point
    drawn: Drawn | None = kept.get(key)
    if drawn is None:
        drawn = _drawn_with_markers(draw, names)
        kept.put(key, drawn)
    return drawn


def filled(drawn: Drawn, values: dict[str, Any], cuts: Iterable[Iterable[str]] = ()) -> str:
    """The drawn HTML with each marker replaced by its value, escaped (the CSRF token's by the
    request's), and each ``cut`` marker by the next of ``cuts``: HTML pieces put in as they are."""
    escaped = _escaped(drawn, values)
    if not drawn.cut:
        return "".join([text if slot is None else escaped[slot] for slot, text in drawn.parts])
    return "".join(_put_in(drawn.parts, escaped, cuts, None))


def filled_bytes(drawn: Drawn, values: dict[str, Any], cuts: Iterable[Iterable[str]] = ()) -> bytes:
    """What :func:`filled` gives, as UTF-8 bytes joined from the kept bytes of the drawn HTML and of
    the pieces put in (``Html``), only the request's own values encoded."""
    escaped = {slot: value.encode() for slot, value in _escaped(drawn, values).items()}
    return b"".join(_put_in(drawn.encoded, escaped, cuts, utf8_of))


def _escaped(drawn: Drawn, values: dict[str, Any]) -> dict[str, str]:
    escaped = {name: str(escape(value)) for name, value in values.items()}
    if drawn.has_token:
        escaped[CSRF] = str(escape(request_token()))
    return escaped


def _put_in(parts: Iterable[tuple[str | None, T]], escaped: dict[str, T], cuts: Iterable[Iterable[str]],
            piece: Callable[[str], T] | None) -> list[T]:
    """The parts' texts, the slots' escaped values, and at each cut the next of ``cuts``' pieces
    (each made what the texts are by ``piece``)."""
    pieces: list[T] = []
    following = iter(cuts)
    for slot, text in parts:
        if slot is None:
            pieces.append(text)
        elif slot == CUT:
            pieces.extend(next(following) if piece is None else map(piece, next(following)))  # type: ignore[arg-type]
        else:
            pieces.append(escaped[slot])
    return pieces


def _drawn_with_markers(draw: Callable[..., str], names: Iterable[str]) -> Drawn:
    signed = generate_csrf()  # the session's token exists before the marker stands in for its signed form
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    setattr(g, field, marker(CSRF))
    try:
        drawn = draw(**{name: marker(name) for name in names})
    finally:
        setattr(g, field, signed)
    pieces = _MARK.split(drawn)  # text, name, text, name, …, text
    parts = tuple((None, piece) if index % 2 == 0 else (piece, "") for index, piece in enumerate(pieces))
    slots = {slot for slot, _text in parts} - {None}
    encoded = tuple((slot, text.encode()) for slot, text in parts)
    return Drawn(parts, CSRF in slots, CUT in slots, encoded, None if slots else Html.of(drawn))
