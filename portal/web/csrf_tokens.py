"""The session's CSRF token, signed once per process every few minutes instead of on every page.

flask-wtf keeps a random token in the session and puts it in forms signed with a timestamp, signing
it anew for every request that shows a form (every page: the layout carries it for htmx). The
signed form stays valid as long as the session (``WTF_CSRF_TIME_LIMIT`` is None; with a limit, a
reused one has at most ``REUSED_FOR`` less of it left), so a process reuses the one it signed last
for that token for up to ``REUSED_FOR``: before a request, flask-wtf's per-request value is set
from it, and every form, template and kept page takes it from there as before. What flask-wtf
checks on a submit is unchanged.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, Response, current_app, g, session
from flask.globals import _cv_app
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

REUSED_FOR = 300  # seconds
KEPT_TOKENS = 4096  # per process
_signed: dict[tuple[object, str, int], str] = {}
_lock = threading.Lock()


def _key(raw_token: str) -> tuple[object, str, int]:
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    return secret, raw_token, int(time.time() // REUSED_FOR)


def _reuse_signed_token() -> None:
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    raw_token = session.get(field)
    if raw_token is not None:
        signed = _signed.get(_key(raw_token))
        if signed is not None:
            setattr(g, field, signed)


def request_token() -> str:
    """The request's signed token, as ``generate_csrf`` returns it: once flask-wtf's per-request
    value is set (before the view, from a reused token, or by a first ``generate_csrf``), read where
    it keeps it, without its lookups of the configuration through proxies (a page asks a few times)."""
    context = _cv_app.get(None)
    if context is not None:
        token = context.g.__dict__.get(context.app.config["WTF_CSRF_FIELD_NAME"])
        if token is not None:
            return token  # type: ignore[no-any-return]
    return generate_csrf()  # type: ignore[no-any-return]


def _remember_signed_token(response: Response) -> Response:
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    signed, raw_token = g.get(field), session.get(field)
    if signed is not None and raw_token is not None:
        key = _key(raw_token)
        if key not in _signed and _is_the_sessions(signed):
            with _lock:
                if len(_signed) >= KEPT_TOKENS:
                    _signed.clear()
                _signed[key] = signed
    return response


def _is_the_sessions(signed: str) -> bool:
    """Whether ``signed`` is the session's token as it stands: a view that changed the session after
    the token was signed (signing in starts a fresh one) leaves an older one in flask-wtf's value."""
    try:
        validate_csrf(signed)
    except ValidationError:
        return False
    return True


def init_app(app: Flask) -> None:
    app.before_request(_reuse_signed_token)
    app.after_request(_remember_signed_token)
