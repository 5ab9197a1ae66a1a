"""Localized error pages: a full page normally, a small fragment for htmx requests."""

from __future__ import annotations

from typing import Callable, NoReturn

from flask import Flask, Response, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db
from portal.web.htmx import is_htmx

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your account may not open this page. Ask HR if you think it should.")),
    404: (_l("Not found"), _l("This page does not exist, or it was moved.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Already saved"), _l("This was saved already (perhaps sent twice), or it clashes with a record saved at the "
                                  "same moment. Nothing was changed; reload the page to see what is stored.")),
    410: (_l("Deleted"), _l("What this address showed was deleted.")),
    413: (_l("Too large"), _l("What you sent is larger than the portal accepts (2 MB).")),
    429: (_l("Too many requests"), _l("Too many attempts in a short time. Wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("The portal hit an error and nothing was saved. Try again; if it keeps happening, tell HR.")),
}


def render_error(status: int, detail: str | None = None) -> Response:
    title, message = MESSAGES.get(status, MESSAGES[500])
    template = "errors/_error.html" if is_htmx() else "errors/error.html"
    response = make_response(
        render_template(template, status=status, title=title, message=detail or message), status
    )
    response.vary.add("HX-Request")
    return response


class Refusal(HTTPException):
    """An error status with a specific, already translated message for the user."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(description=message)
        self.code = code


def refuse(code: int, message: str) -> NoReturn:
    """Stop the request with ``code`` and tell the user exactly why."""
    raise Refusal(code, message)


# URL prefix -> handler answering errors in another format (the JSON API's problem details).
_handlers_by_prefix: dict[str, Callable[[HTTPException], Response]] = {}


def handle_errors_under(prefix: str, handler: Callable[[HTTPException], Response]) -> None:
    """Answer errors for URLs under ``prefix`` with ``handler`` instead of an HTML page."""
    _handlers_by_prefix[prefix] = handler


def _handle_http(error: HTTPException) -> Response:
    for prefix, handler in _handlers_by_prefix.items():
        if request.path.startswith(prefix):
            return handler(error)
    custom = error.description if isinstance(error, Refusal) else None
    return render_error(error.code or 500, custom)


def _handle_csrf(error: CSRFError) -> Response:
    return render_error(400, _("The form expired or was sent from another site. Reload the page and submit it again."))


def _handle_conflict(error: IntegrityError) -> Response:
    """A unique constraint refused a write, typically a double submit: nothing was written."""
    db.session.rollback()
    return render_error(409)


def _handle_unexpected(error: InternalServerError) -> Response:
    db.session.rollback()  # nothing half-written survives an error; Flask has logged the traceback
    for prefix, handler in _handlers_by_prefix.items():
        if request.path.startswith(prefix):
            return handler(error)
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(IntegrityError, _handle_conflict)
    app.register_error_handler(InternalServerError, _handle_unexpected)
    app.register_error_handler(HTTPException, _handle_http)
