"""The problem answers each route may give, as the OpenAPI document states them.

One table (:data:`PROBLEMS`) says what each error status means; :func:`document` gives every
operation of the app's OpenAPI document the statuses that apply to it, judged from the
operation as documented (its parameters, its body, its method), all as
``application/problem+json`` with the shared ``Problem`` schema (RFC 9457), so no route repeats
them:

- every route but ``/health``: 401 (no or bad token), 403 (role not allowed), 500;
- routes with parameters or a body: 422 (invalid request or value);
- routes with a path parameter, and POSTs with a body (which names persons, cases,
  agencies): 404 (unknown, or not the caller's: both read alike);
- POST routes: 409 (a rule of the procedure, a version or an ``Idempotency-Key`` conflict);
  with a body: 400 (not JSON) and 413 (body too large);
- every route that reads the log: 503 (the log is unavailable; ``Retry-After``);
- a few routes add their own (:data:`EXTRA`): the feed's 429 (too many waits), the dead
  letters' 409 (no Kafka log), the audit reads' 404 (an unknown case or person asked for).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI

from hub.api.problems import MEDIA_TYPE

#: status → what it means, for every route that may answer it
PROBLEMS: dict[int, str] = {
    400: "The body is not JSON (or not UTF-8)",
    401: "No token, or a token that is not valid",
    403: "The token's role may not do this",
    404: "Not found, or not a party to it (the two read alike)",
    409: "A rule of the procedure, a version or an Idempotency-Key conflict",
    413: "The request body is too large",
    422: "The request or one of its values is invalid",
    429: "Too many requests waiting at once; retry later",
    500: "Unexpected error (logged for operators)",
    503: "The event log is unavailable; retry after Retry-After seconds",
}

#: RFC 9457 problem details, as every error answer carries them
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "/problems/<rule>"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "additionalProperties": True,
}

#: (method, path) → statuses a route answers beyond the general ones
EXTRA: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/agencies/{agency_id}/feed"): (429,),
    ("GET", "/operations/dlq"): (409,),
    ("GET", "/audit/verify"): (404,),
    ("GET", "/audit/access-log"): (404,),
}

UNAUTHENTICATED = frozenset({"/health"})


def statuses(method: str, path: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses the operation ``method path`` (as documented) may answer."""
    if path in UNAUTHENTICATED:
        return [500, 503]
    found = {401, 403, 500, 503}
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    if parameters or has_body:
        found.add(422)
    if any(p.get("in") == "path" for p in parameters) or (method == "post" and has_body):
        found.add(404)
    if method == "post":
        found.add(409)
    if has_body:
        found.update({400, 413})
    found.update(EXTRA.get((method.upper(), path), ()))
    return sorted(found)


def document(app: FastAPI) -> None:
    """Makes ``app``'s OpenAPI document give every operation its problem answers."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        schema = build()
        if fresh or "Problem" not in schema.get("components", {}).get("schemas", {}):
            add_problems(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def add_problems(schema: dict[str, Any]) -> None:
    """Adds the problem answers to every operation of ``schema``, in place.

    FastAPI's own 422 (``HTTPValidationError`` as ``application/json``) is replaced: the hub
    answers every refusal as a problem.
    """
    reference = {"$ref": "#/components/schemas/Problem"}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            answers = operation.setdefault("responses", {})
            for status in statuses(method, path, operation):
                answers[str(status)] = {
                    "description": PROBLEMS[status],
                    "content": {MEDIA_TYPE: {"schema": reference}},
                }
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["Problem"] = PROBLEM_SCHEMA


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the OpenAPI document lists for ``path`` (for a 405's ``Allow``): those of
    the most specific templates that match it (``/referrals/{id}/history`` before
    ``/referrals/{id}/{action}``)."""
    matches = [
        (literals, listed)
        for pattern, literals, listed in _templates(app)
        if pattern.fullmatch(path)
    ]
    if not matches:
        return []
    best = max(literals for literals, _ in matches)
    return sorted({m for literals, listed in matches if literals == best for m in listed})


def _templates(app: FastAPI) -> list[tuple[re.Pattern[str], int, frozenset[str]]]:
    """The document's path templates as patterns, with their literal segments and methods
    (made once per app, kept on its state)."""
    known: list[tuple[re.Pattern[str], int, frozenset[str]]] | None = getattr(
        app.state, "path_templates", None
    )
    if known is not None:
        return known
    found = []
    for template, operations in app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        literals = sum(1 for part in template.split("/") if part and "{" not in part)
        methods = frozenset(m.upper() for m in operations)
        found.append((re.compile(pattern), literals, methods))
    app.state.path_templates = found
    return found
