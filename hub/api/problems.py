"""RFC 9457 problem details: one stable ``type`` per rule, and the status each one answers.

``type`` is ``/problems/<rule>``, where ``rule`` is the domain error's code (see
``domain/errors.py``) or one of the API's own: ``unauthorized``, ``forbidden``,
``validation``, ``auditor-is-a-user`` (no bare auditor token: auditors sign in),
``who-acted-from-credentials`` (a body named who acted: see :func:`who_acted_field`),
``version-conflict``, ``idempotency-conflict``, ``log-unavailable``,
``unexpected`` (any other error: a 500 that is a problem too, never text; its cause is logged
for operators by type and place, never with the request's body or the error's message, which
may quote personal data).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain import errors
from domain.acting import REPLACED_WHO_FIELDS

MEDIA_TYPE = "application/problem+json"

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[errors.DomainError], int] = {
    errors.NotFound: 404,
    errors.NotParty: 404,
    errors.WrongSide: 403,
    errors.StepOutOfOrder: 409,
    errors.TransitionNotAllowed: 409,
    errors.ReReferralNotAllowed: 409,
    errors.MembershipRule: 409,
    errors.IdentityMismatch: 409,
    errors.OutboundReferralRequired: 409,
    errors.StepDatedBeforePrevious: 409,
    errors.AdvanceNotAllowed: 409,
    errors.MatterAlreadyRelieved: 409,
    errors.UserExists: 409,
    errors.UserDisabled: 409,
    errors.RoleRequired: 403,
    errors.SelfApproval: 403,
}


class Problem(Exception):
    def __init__(
        self,
        status: int,
        rule: str,
        title: str,
        detail: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.rule = rule
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        return {
            "type": f"/problems/{self.rule}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            **({"instance": instance} if instance else {}),
            **self.extra,
        }

    def response(self, instance: str | None = None) -> Response:
        return Response(
            orjson.dumps(self.body(instance)),
            status_code=self.status,
            media_type=MEDIA_TYPE,
            headers=self.headers,
        )


def from_domain(error: errors.DomainError) -> Problem:
    status = next(
        (s for cls, s in STATUS_BY_ERROR.items() if isinstance(error, cls)),
        422,
    )
    if isinstance(error, errors.NotParty | errors.NotFound):
        # Not being a party reads exactly like not existing: no probing for ids or kinds.
        return Problem(404, errors.NotFound.rule, errors.NotFound.title, "not found")
    return Problem(status, error.rule, error.title, error.message)


def log_unexpected(error: BaseException, scope: Scope) -> None:
    """Logs an unexpected error for operators: its type and where it was raised, not its
    message (it may quote the data); the route template, not the path (paths hold the ids
    of persons and cases)."""
    route = getattr(scope.get("route"), "path", "unmatched")
    log.error(
        "unexpected %s answering %s %s\n%s",
        type(error).__name__,
        scope.get("method"),
        route,
        "".join(traceback.format_tb(error.__traceback__)),
    )


class UnexpectedErrors:
    """ASGI middleware: an error nothing else handled becomes a 500 problem, and is logged.

    Subclasses answer it otherwise (the console with a page) by overriding :meth:`answer`.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as error:
            log_unexpected(error, scope)
            if started:
                raise
            await self.answer(scope)(scope, receive, send)

    def answer(self, scope: Scope) -> ASGIApp:
        """The 500 answer, once the error is logged."""
        problem = Problem(
            500,
            "unexpected",
            "Unexpected error",
            "the hub met an unexpected error; it is logged for operators",
        )
        return problem.response(scope.get("path"))


def who_acted_problem(field: str) -> Problem:
    """A body named who acted (``field``): the hub takes that from the credentials only."""
    return Problem(
        422,
        "who-acted-from-credentials",
        "Who acted comes from the credentials",
        f"the field {field!r} is not accepted: who acted is taken from the credentials (the "
        "signed-in official, or the agency's connector token); give 'on_behalf_of' for a note "
        "of on whose behalf",
        field=field,
    )


def who_acted_field(exc: RequestValidationError) -> str | None:
    """The free-text "who" field a body still sent (a field no request schema has now)."""
    for e in exc.errors():
        loc = tuple(e.get("loc", ()))
        named = len(loc) == 2 and loc[0] == "body" and loc[1] in (*REPLACED_WHO_FIELDS, "erased_by")
        if e.get("type") == "extra_forbidden" and named:
            return str(loc[1])
    return None


def install(app: FastAPI) -> None:
    """Turns every error the API can meet into a problem details response."""

    app.add_middleware(UnexpectedErrors)

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return exc.response(request.url.path)

    @app.exception_handler(errors.DomainError)
    async def _domain(request: Request, exc: errors.DomainError) -> Response:
        return from_domain(exc).response(request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        named = who_acted_field(exc)
        if named is not None:
            return who_acted_problem(named).response(request.url.path)
        problems = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        return Problem(
            422, "validation", "Invalid request", "the request is malformed", errors=problems
        ).response(request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        rule = {
            401: "unauthorized",
            403: "forbidden",
            404: "not-found",
            405: "method",
            413: "body-too-large",
        }.get(exc.status_code, "http")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            from hub.api.responses import allowed_methods  # it documents the app: no cycle

            # Every method of the path, not only those of the first route that matched it.
            headers["Allow"] = ", ".join(allowed_methods(app, request.url.path))
        return Problem(
            exc.status_code, rule, str(exc.detail), str(exc.detail), headers=headers
        ).response(request.url.path)
