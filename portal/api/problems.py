"""Errors as RFC 9457 problem details (``application/problem+json``), each naming the field at fault."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "https://injury-portal.example/problems/"


class Problem(Exception):
    """Raised anywhere below a route to answer with a problem document (nothing has been written)."""

    def __init__(self, status: int, slug: str, title: str, detail: str = "",
                 errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(title)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.errors = errors or []
        self.headers = headers or {}

    def response(self) -> Response:
        body: dict[str, Any] = {"type": PROBLEM_TYPE + self.slug, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if self.errors:
            body["errors"] = self.errors
        response = jsonify(body)
        response.status_code = self.status
        response.mimetype = "application/problem+json"
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


def invalid(errors: list[dict[str, str]]) -> Problem:
    """422 listing every field error as ``{"field": "employees[3].hire_date", "message": …}``."""
    return Problem(422, "validation", _("The request has invalid fields."),
                   "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]), errors)


def from_http_exception(error: HTTPException) -> Problem:
    """Werkzeug's errors (404, 405, 413, 429 …) in the same format."""
    status = error.code or 500
    slug = {404: "not-found", 405: "method-not-allowed", 413: "too-large", 429: "rate-limited"}.get(status, "http")
    headers = {k: v for k, v in error.get_headers() if k.lower() in {"allow", "retry-after"}}
    if status == 429:
        return Problem(429, slug, _("Too many requests for this token; wait and try again."), headers=headers)
    return Problem(status, slug, error.name, headers=headers)
