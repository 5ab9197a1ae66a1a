"""One decorator per API operation: token, scope and policy checks, validated query and body,
idempotent writes, ETags, and the operation's entry in the OpenAPI document.

The OpenAPI document is generated from the same pydantic models that parse requests and shape
responses, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Callable

import sqlalchemy as sa
from flask import Blueprint, Response, g, jsonify, make_response, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from pydantic import BaseModel, ValidationError

from portal.api import tokens
from portal.api.models import ApiToken, IdempotentWrite
from portal.api.problems import Problem, invalid
from portal.auth import audit
from portal.auth.policy import can
from portal.extensions import db
from portal.web.security import refuse_nul_characters

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Operation:
    endpoint: str
    rule: str
    method: str
    scope: str | None  # None: public (the OpenAPI document itself)
    action: str | None  # the policy action the token's account needs
    summary: str
    tag: str
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    media_type: str = "application/json"
    description: str = ""


OPERATIONS: list[Operation] = []


def current_token() -> ApiToken | None:
    """The token in ``Authorization: Bearer …``, read once per request; session cookies never count."""
    if "portal.api_token" not in request.environ:
        header = request.headers.get("Authorization", "")
        scheme, _sep, secret = header.partition(" ")
        token = tokens.token_for_secret(secret.strip()) if scheme.lower() == "bearer" else None
        request.environ["portal.api_token"] = token
    return request.environ["portal.api_token"]


def rate_limit_key() -> str:
    token = current_token()
    return f"api-token:{token.id}" if token else f"api-address:{request.remote_addr}"


def rate_limit_value() -> str:
    token = current_token()
    return token.rate_limit if token else tokens.DEFAULT_RATE_LIMIT


def _authenticate(op: Operation) -> ApiToken | None:
    g._login_user = AnonymousUserMixin()  # the browser session is not an API credential
    if op.scope is None:
        return None
    token = current_token()
    if token is None:
        raise Problem(401, "unauthorized", _("Send a valid API token as 'Authorization: Bearer <token>'."),
                      headers={"WWW-Authenticate": 'Bearer realm="injury-portal"'})
    if op.scope not in token.scope_set:
        raise Problem(403, "insufficient-scope", _("This token lacks the scope %(scope)s.", scope=op.scope),
                      headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{op.scope}"'})
    g._login_user = token.user  # the policy sees the token's account, never more
    if op.action and not can(token.user.actor, op.action):
        raise Problem(403, "forbidden", _("The token's account may not do this."))
    return token


def _field_name(location: tuple[Any, ...]) -> str:
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def parse(model: type[BaseModel], data: Any, where: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid([{"field": _field_name(e["loc"]) or where, "message": e["msg"]} for e in error.errors()]) from None


def _query_data(model: type[BaseModel]) -> dict[str, Any]:
    unknown = set(request.args) - set(model.model_fields)
    if unknown:
        raise invalid([{"field": name, "message": _("Unknown query parameter.")} for name in sorted(unknown)])
    return {name: request.args.get(name) for name in request.args}


def _json_body() -> Any:
    if not request.is_json:
        raise Problem(415, "unsupported-media-type", _("Send the body as application/json."))
    try:
        body = json.loads(request.get_data(as_text=False) or b"null")
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, "malformed-json", _("The body is not valid JSON.")) from None
    except RecursionError:  # "[[[[…" a hundred thousand deep: valid JSON no record looks like
        raise Problem(400, "malformed-json", _("The body is nested too deeply.")) from None
    if _holds_nul(body):  # "\u0000" decodes to a character PostgreSQL cannot store
        raise Problem(400, "malformed-json", _("The body holds an invisible control character (NUL).")) from None
    return body


def _holds_nul(body: Any) -> bool:
    pending = [body]
    while pending:  # a loop, not recursion: the body may be nested as deep as the parser allowed
        value = pending.pop()
        if isinstance(value, str) and "\x00" in value:
            return True
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _dump(result: Any) -> Any:
    return result.model_dump(mode="json") if isinstance(result, BaseModel) else result


def _with_etag(response: Response) -> Response:
    """Reads carry a strong ETag over the exact body; a matching ``If-None-Match`` gets 304."""
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest())
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Authorization")
    return response.make_conditional(request)


def _idempotent(token: ApiToken, run: Callable[[], tuple[Any, int]]) -> Response:
    """Run a write once per ``Idempotency-Key``: the answer is stored in the write's own transaction,
    and a repeat with the same key and body gets it back without changing anything."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 255:
        raise invalid([{"field": "Idempotency-Key", "message": _("Send a unique Idempotency-Key header (at most 255 characters) with every write.")}])
    fingerprint = hashlib.sha256(f"{request.method} {request.path}\n".encode() + request.get_data()).hexdigest()

    def replay() -> Response | None:
        stored = db.session.execute(sa.select(IdempotentWrite).where(
            IdempotentWrite.token_id == token.id, IdempotentWrite.key == key)).scalar_one_or_none()
        if stored is None:
            return None
        if stored.request_sha256 != fingerprint:
            raise Problem(422, "idempotency-key-reused",
                          _("This Idempotency-Key was used for a different request."),
                          errors=[{"field": "Idempotency-Key", "message": _("Already used for a different request.")}])
        response = make_response(stored.response_json, stored.status_code)
        response.mimetype = "application/json"
        response.headers["Idempotent-Replayed"] = "true"
        return response

    earlier = replay()
    if earlier is not None:
        return earlier
    claim = IdempotentWrite(token_id=token.id, key=key, request_sha256=fingerprint, status_code=0, response_json="")
    db.session.add(claim)
    try:
        db.session.flush()  # a concurrent write with the same key waits here, then fails the unique key
    except sa.exc.IntegrityError:
        db.session.rollback()
        earlier = replay()
        if earlier is None:
            raise Problem(409, "in-progress", _("A request with this Idempotency-Key is still running.")) from None
        return earlier
    try:
        result, status = run()
    except Exception:
        db.session.rollback()
        raise
    body = json.dumps(_dump(result), ensure_ascii=False, sort_keys=True)
    claim.status_code, claim.response_json = status, body
    audit.record(tokens.WRITE, actor=token.user, token=token.id, method=request.method, path=request.path,
                 key=key, status=status)
    db.session.commit()
    response = make_response(body, status)
    response.mimetype = "application/json"
    return response


def operation(bp: Blueprint, rule: str, method: str, *, scope: str | None, action: str | None, summary: str,
              tag: str, query: type[BaseModel] | None = None, body: type[BaseModel] | None = None,
              response: type[BaseModel] | None = None, status: int = 200, media_type: str = "application/json",
              description: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an API view. It is called with the path parameters and, when declared, ``query=`` and
    ``body=`` (validated models); it returns a model, ``(model, status)`` or a finished Response.
    Writes must flush, never commit: the decorator commits them with their idempotency record."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        op = Operation(func.__name__, (bp.url_prefix or "") + rule, method, scope, action, summary, tag, query, body, response, status,
                       media_type, description or (func.__doc__ or "").strip())
        OPERATIONS.append(op)

        @functools.wraps(func)
        def view(**path: Any) -> Response:
            try:
                token = _authenticate(op)
                refuse_nul_characters()
                kwargs: dict[str, Any] = dict(path)
                if query is not None:
                    kwargs["query"] = parse(query, _query_data(query), "query")
                if body is not None:
                    kwargs["body"] = parse(body, _json_body(), "body")

                def run() -> tuple[Any, int]:
                    result = func(**kwargs)
                    return result if isinstance(result, tuple) else (result, status)

                if method in WRITE_METHODS:
                    assert token is not None
                    return _idempotent(token, run)
                result, code = run()
                if isinstance(result, Response):
                    return _with_etag(result)
                answer = jsonify(_dump(result))
                answer.status_code = code
                return _with_etag(answer)
            except Problem as problem:
                db.session.rollback()
                return problem.response()

        view.access_action = f"api:{scope}" if scope else "public"  # type: ignore[attr-defined]
        bp.add_url_rule(rule, endpoint=func.__name__, view_func=view, methods=[method])
        return view

    return decorate
