"""Flask's signed-cookie sessions, with each cookie's signature checked once per process.

A signed-in person sends the same session cookie with every request until the session changes.
Checking it (its key derived by HMAC, its signature by HMAC, then decompressed and parsed) cost a
sixth of what a signed-in page cost beyond a bare request. So the content of a cookie that passed
the check is kept by the cookie's exact text, with the time it was signed: the same text again is
the same signed content, and it is taken as it was while the session's lifetime from that time has
not passed. A cookie that fails the check is never kept, so a forged or altered one is checked in
full, and refused, every time. Each request's session is its own copy of the content, so a request
that changes its session changes only its copy: a content of plain scalars (str, int, float, bool,
None) is copied as a dict, any other is parsed again from its JSON.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, session_json_serializer
from itsdangerous import BadSignature, URLSafeTimedSerializer

KEPT_COOKIES = 4096  # per process: about 2 MB


class CheckedOnceSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, built once per set of keys (it derives its key on every use)."""
        if not app.secret_key:
            return None
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        try:
            signed_at, content, plain = _checked(serializer, cookie)
        except BadSignature:
            return self.session_class()
        age = time.time() - signed_at
        if not 0 <= age <= app.permanent_session_lifetime.total_seconds():
            return self.session_class()  # expired, as Flask's own check would find
        return self.session_class(plain if plain is not None else session_json_serializer.loads(content))


_SCALARS = frozenset({str, int, float, bool, type(None)})


@lru_cache(maxsize=KEPT_COOKIES)
def _checked(serializer: URLSafeTimedSerializer, cookie: str) -> tuple[float, str, dict[str, Any] | None]:
    """The time ``cookie`` was signed, its content as JSON and, when every value is a plain scalar
    (a signed-in session's usual content), as a dict each request's session copies (nothing in it
    can change in place); raises ``BadSignature`` (which is never kept) when its signature does not
    match."""
    content, signed_at = serializer.loads(cookie, return_timestamp=True)
    plain = content if _SCALARS.issuperset(map(type, content.values())) else None
    return signed_at.timestamp(), session_json_serializer.dumps(content), plain
