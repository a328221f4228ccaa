"""The API's gate: the token is checked before anything of the request body is read, and a body
is refused while it streams once it passes the size limit.

An ASGI middleware, so it runs before FastAPI reads and parses a body: without a valid token
the only answer is 401 (never a 400, 404 or 422 about a body or a path nobody authenticated
for); with one, a body larger than ``HUB_MAX_BODY_BYTES`` is answered 413 without being held in
memory (at once when ``Content-Length`` says so, else as soon as the count passes the limit).
Both answers are problem details. A few paths answer without a token: :data:`PUBLIC`.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.access.tokens import Principal
from hub.api.problems import Problem
from hub.identity.service import Identity

#: paths that answer without a token: liveness and the API's own description
PUBLIC = frozenset(
    {"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/auth/sign-in"}
)


class BodyTooLarge(HTTPException):
    """The request body passed the limit while it was read."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


def too_large(limit: int) -> Problem:
    return Problem(
        413,
        "body-too-large",
        "Content too large",
        f"the request body is larger than {limit} bytes",
    )


def unauthorized(detail: str) -> Problem:
    return Problem(
        401, "unauthorized", "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"}
    )


class Gate:
    """Authentication first, bodies last (see the module's docstring)."""

    def __init__(self, app: ASGIApp, *, identity: Identity, max_body_bytes: int) -> None:
        self.app = app
        self.identity = identity
        self.limit = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        headers = Headers(scope=scope)
        if path not in PUBLIC:
            refusal = await self._authenticate(headers.get("authorization"))
            if refusal is not None:
                await refusal.response(path)(scope, receive, send)
                return
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await too_large(self.limit).response(path)(scope, receive, send)
            return
        await self._limited(scope, receive, send)

    async def _authenticate(self, authorization: str | None) -> Problem | None:
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return unauthorized("a bearer token is required")
        principal = self.identity.cached(token)
        if principal is False:
            principal = await run_in_threadpool(self.identity.authenticate, token)
        if not isinstance(principal, Principal):
            return unauthorized("the token is not valid")
        return None

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:
                raise
            await too_large(self.limit).response(scope["path"])(scope, receive, send)
