"""The OpenAPI 3.1 document, built from the registered operations and their pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from portal.api.endpoint import OPERATIONS, WRITE_METHODS, Operation
from portal.api.tokens import SCOPES

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; `errors` names every field at fault.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"],
                                               "properties": {"field": {"type": "string"},
                                                              "message": {"type": "string"}}}},
    },
}
PATH_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _schema(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _parameters(op: Operation, components: dict[str, Any]) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    for converter, name in PATH_PARAMETER.findall(op.rule):
        schema: dict[str, Any] = {"type": "integer", "minimum": 1} if converter == "int" else {"type": "string"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    if op.query is not None:
        full = op.query.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in full.pop("$defs", {}).items():
            components[name] = definition
        required = set(full.get("required", []))
        for name, schema in full["properties"].items():
            parameters.append({"name": name, "in": "query", "required": name in required, "schema": schema,
                               "description": schema.pop("description", "")})
    if op.method in WRITE_METHODS and op.scope:
        parameters.append({"name": "Idempotency-Key", "in": "header", "required": True,
                           "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
                           "description": "Unique per write; a repeat with the same key and body gets the first answer."})
    return parameters


def _operation(op: Operation, components: dict[str, Any]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": op.summary}
    if op.response is not None:
        success["content"] = {op.media_type: {"schema": _schema(op.response, components)}}
    elif op.media_type != "application/json":
        success["content"] = {op.media_type: {"schema": {"type": "string", "contentMediaType": op.media_type}}}
    responses: dict[str, Any] = {str(op.status): success}
    if op.method == "GET":
        success["headers"] = {"ETag": {"schema": {"type": "string"}}}
        responses["304"] = {"description": "Not modified (If-None-Match matched the ETag)."}
    if op.scope:
        responses["401"] = _problem("No valid token.")
        responses["403"] = _problem("The token lacks the scope, or its account may not do this.")
        responses["429"] = _problem("The token's rate limit is used up.")
    if op.query is not None or op.body is not None or op.method in WRITE_METHODS:
        responses["422"] = _problem("Invalid fields, named in `errors`; nothing was written.")
    if PATH_PARAMETER.search(op.rule):
        responses["404"] = _problem("No such record, or not visible to the token's account.")
    if op.body is not None:
        responses["400"] = _problem("The body is not JSON.")
        responses["415"] = _problem("The body is not application/json.")
    if op.method in WRITE_METHODS:
        responses["409"] = _problem("The write conflicts with the current state.")
    document: dict[str, Any] = {"operationId": op.endpoint, "summary": op.summary, "tags": [op.tag],
                                "parameters": _parameters(op, components), "responses": responses}
    if op.description:
        document["description"] = op.description
    if op.body is not None:
        document["requestBody"] = {"required": True,
                                   "content": {"application/json": {"schema": _schema(op.body, components)}}}
    document["security"] = [{"token": [op.scope]}] if op.scope else []
    return document


def openapi_document(server_url: str) -> dict[str, Any]:
    """The whole document (OpenAPI 3.1, JSON Schema 2020-12 from pydantic)."""
    components: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        path = PATH_PARAMETER.sub(r"{\2}", op.rule)
        paths.setdefault(path, {})[op.method.lower()] = _operation(op, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "injury-portal API", "version": "1.0.0",
                 "description": "Departments, employees, wages, learning records, injury cases, the payroll "
                                "feed, evidence packs and webhooks for payroll and HR systems. Scopes: "
                                + "; ".join(f"`{k}` {v}" for k, v in SCOPES.items()) + "."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                                     "description": "An API token created by an administrator."}}},
    }
