"""The API's gate: the token is checked before anything of the request body is read, and a body
is refused while it streams once it passes the size limit.

An ASGI middleware, so it runs before FastAPI reads and parses a body: without a valid token
the only answer is 401 (never a 400, 404 or 422 about a body or a path nobody authenticated
for); with one, a body larger than ``HUB_MAX_BODY_BYTES`` is answered 413 without being held in
memory (at once when ``Content-Length`` says so, else as soon as the count passes the limit).
Both answers are problem details. A few paths answer without a token: :data:`PUBLIC`.

:func:`resolve_bearer` is the one place a bearer token becomes a principal: the hub's own
tokens (officials' sessions, connectors' and the break-glass token) through the identity
service (:mod:`hub.identity.service`), and, when OpenID Connect is configured, the provider's
JWTs (:mod:`hub.identity.oidc`), mapped to the official with that external id. A JWT refused answers ``WWW-Authenticate: Bearer
error="invalid_token"`` and says why in the problem, never quoting the token.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub import metrics
from hub.access.tokens import Principal
from hub.api.problems import Problem
from hub.console.security import PREFIX as CONSOLE
from hub.identity.oidc import OidcVerifier, ProviderUnavailable, TokenRefused, looks_like_jwt
from hub.identity.service import Identity

#: paths that answer without a token: liveness, readiness, the API's own description, sign-in
PUBLIC = frozenset(
    {
        "/health",
        "/health/live",
        "/health/ready",
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/auth/sign-in",
        "/auth/oidc/login",
        "/auth/oidc/callback",
        "/",  # sends the browser to the console
    }
)
#: paths that authenticate themselves: the console's pages, by its session cookie
#: (hub/console/session.py resolves it with :func:`resolve_bearer`, as here)
OWN_SIGN_IN = (CONSOLE,)


def signs_in_itself(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in OWN_SIGN_IN)


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


def invalid_token(refused: TokenRefused) -> Problem:
    """RFC 6750's answer to a provider's token the hub refuses, with the reason."""
    challenge = f'Bearer error="invalid_token", error_description="{refused.detail}"'
    return Problem(
        401,
        "invalid-token",
        "Invalid token",
        refused.detail,
        headers={"WWW-Authenticate": challenge},
        reason=refused.reason,
    )


async def resolve_bearer(
    identity: Identity, oidc: OidcVerifier | None, token: str
) -> Principal | Problem:
    """The principal of a bearer token, or the problem to answer instead.

    A provider's JWT (when OpenID Connect is configured) is verified, then mapped to the hub's
    official with that external id (:meth:`Identity.principal_for_oidc`); every other token
    (a session ``hs_…``, a connector's or the break-glass token) is the identity service's.
    """
    if oidc is not None and looks_like_jwt(token):
        try:
            return await run_in_threadpool(identity.principal_for_oidc, oidc, token)
        except TokenRefused as refused:
            metrics.sign_in_failures.labels("invalid-jwt").inc()
            return invalid_token(refused)
        except ProviderUnavailable as error:
            return Problem(
                503,
                "identity-provider-unavailable",
                "Identity provider unavailable",
                str(error),
                headers={"Retry-After": "5"},
            )
    principal = identity.cached(token)
    if principal is False:
        principal = await run_in_threadpool(identity.authenticate, token)
    if not isinstance(principal, Principal):
        metrics.sign_in_failures.labels("invalid-token").inc()
        return unauthorized("the token is not valid")
    return principal


class Gate:
    """Authentication first, bodies last (see the module's docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        identity: Identity,
        max_body_bytes: int,
        oidc: OidcVerifier | None = None,
    ) -> None:
        self.app = app
        self.identity = identity
        self.oidc = oidc
        self.limit = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        headers = Headers(scope=scope)
        if path not in PUBLIC and not signs_in_itself(path):
            refusal = await self._authenticate(headers.get("authorization"), scope)
            if refusal is not None:
                await refusal.response(path)(scope, receive, send)
                return
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await too_large(self.limit).response(path)(scope, receive, send)
            return
        await self._limited(scope, receive, send)

    async def _authenticate(self, authorization: str | None, scope: Scope) -> Problem | None:
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return unauthorized("a bearer token is required")
        resolved = await resolve_bearer(self.identity, self.oidc, token)
        if isinstance(resolved, Problem):
            return resolved
        state = scope.setdefault("state", {})
        state["principal"] = resolved  # the routes' dependencies take it, not resolve it again
        context = state.get("log_context")
        if context is not None:  # the request's log lines name who asked (ids only)
            context["token_id"] = resolved.token_id
            context["role"] = resolved.role.value
            if resolved.agency_id is not None:
                context["agency_id"] = str(resolved.agency_id)
            if resolved.user_id is not None:
                context["user_id"] = str(resolved.user_id)
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
