"""The problem answers each route may give, as the OpenAPI document states them.

One table (:data:`PROBLEMS`) says what each error status means; :func:`document` gives every
route the statuses that apply to it, all as ``application/problem+json`` with the shared
``Problem`` schema (RFC 9457), so no route repeats them:

- every route but ``/health``: 401 (no or bad token), 403 (role not allowed), 500;
- routes with path or query parameters or a body: 422 (invalid request or value);
- routes with a path parameter: 404 (unknown, or not the caller's: both read alike);
- POST routes: 409 (a rule of the procedure, a version or an ``Idempotency-Key`` conflict);
  with a body: 413 (body too large);
- every route that reads the log: 503 (the log is unavailable; ``Retry-After``);
- a few routes add their own (:data:`EXTRA`): the feed's 429 (too many waits), the dead
  letters' 409 (no Kafka log).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from hub.api.problems import MEDIA_TYPE

#: status → what it means, for every route that may answer it
PROBLEMS: dict[int, str] = {
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
}

UNAUTHENTICATED = frozenset({"/health"})


def statuses(route: APIRoute) -> list[int]:
    """The error statuses ``route`` may answer."""
    if route.path in UNAUTHENTICATED:
        return [500, 503]
    found = {401, 403, 500, 503}
    dependant = route.dependant
    has_params = bool(dependant.path_params or dependant.query_params or dependant.header_params)
    if has_params or route.body_field is not None:
        found.add(422)
    if dependant.path_params:
        found.add(404)
    if "POST" in route.methods:
        found.add(409)
    if route.body_field is not None:
        found.add(413)
    for method in route.methods:
        found.update(EXTRA.get((method, route.path), ()))
    return sorted(found)


def document(app: FastAPI) -> None:
    """Gives every route of ``app`` its problem answers, and the document the schema."""
    reference = {"$ref": "#/components/schemas/Problem"}
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        for status in statuses(route):
            route.responses.setdefault(
                status,
                {
                    "description": PROBLEMS[status],
                    "content": {MEDIA_TYPE: {"schema": reference}},
                },
            )
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = (
                PROBLEM_SCHEMA
            )
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]
