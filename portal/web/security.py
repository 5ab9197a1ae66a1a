"""Security headers on every response, set in one place.

The content security policy allows scripts, styles and images from the portal itself only: no
inline script or style attribute anywhere (htmx's indicator style is switched off in the
``htmx-config`` meta tag and lives in portal.css; the print buttons are wired by static/js/portal.js).
Every response except static files is ``Cache-Control: no-store``: pages are per user and carry
personal data (names at least; cases, wages and packs on many), which must not stay in shared or
back-button caches.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from portal.core.bounds import MAX_ID
from portal.web.errors import refuse

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HSTS = "max-age=31536000; includeSubDomains"


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers["Strict-Transport-Security"] = HSTS
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


class RecordIdConverter(IntegerConverter):
    """``<int:…>`` in every route: a number the id columns can hold, otherwise the URL does not match
    (404), instead of an overflow in the database driver (2**63 on SQLite, 2**31 on PostgreSQL)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002  (werkzeug's signature)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _request_texts() -> Iterator[str]:
    """Every text of the request that may reach the database: the path, each key and every value of
    the query and the form (not only the first of a repeated key), file names and headers (the
    User-Agent is stored with acknowledgements and sign-ins)."""
    yield request.path
    # Only a query string fills the arguments, and only a form's content type the form and files
    # (werkzeug parses no other body): a request without them skips building empty ones.
    sources = [request.args] if request.query_string else []
    has_form = request.mimetype in _FORM_TYPES
    if has_form:
        sources.append(request.form)
    for multi in sources:
        for key, values in multi.lists():
            yield key
            yield from values
    if has_form:
        yield from (f.filename or "" for f in request.files.values())
    yield from request.headers.values()


_FORM_TYPES = frozenset(("multipart/form-data", "application/x-www-form-urlencoded"))


_checked_in_their_views: set[str] = set()


def nul_characters_checked_in_views_of(blueprint: str) -> None:
    """``blueprint`` authenticates first and then calls ``refuse_nul_characters`` itself (the token API:
    a request without a token is a 401, whatever else it holds)."""
    _checked_in_their_views.add(blueprint)


def _refuse_nul_characters_before_the_view() -> None:
    if request.blueprint not in _checked_in_their_views:
        refuse_nul_characters()


def refuse_nul_characters() -> None:
    """No text a person types holds a NUL character, and PostgreSQL cannot store one: refuse the
    request with a message instead of failing in the database driver."""
    if any("\x00" in text for text in _request_texts()):
        refuse(400, _("The form holds an invisible control character (NUL). Retype the text and send it again."))


def init_app(app: Flask) -> None:
    """Before any blueprint: the converter applies to every route's ``<int:…>``."""
    app.url_map.converters["int"] = RecordIdConverter
    app.before_request(_refuse_nul_characters_before_the_view)
    app.after_request(_add_headers)
