"""Browser sign-in through the organisation's OpenID Connect provider (统一身份认证登录).

``GET /auth/oidc/login`` sends the browser to the provider (authorization code with PKCE);
``GET /auth/oidc/callback`` is where it comes back: the code is exchanged, the ID token
verified, the official mapped to the hub's by their external id
(:meth:`~hub.identity.service.Identity.principal_for_provider`) and handed to
:func:`start_session`, which starts a hub session: answered as JSON, or, when the console began
the sign-in (its cookie beside the flow's), as the console's session cookie and its work page. Both answer without a token (the
gate lets them through) and 404 while OpenID Connect is off. They are pages' routes, not the
API's, so they stay out of the OpenAPI document.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hub import metrics
from hub.access.principal import Principal, PrincipalKind
from hub.api.gate import invalid_token
from hub.api.problems import Problem
from hub.api.routes.auth import me
from hub.console.security import CONSOLE_FLOW_COOKIE, PREFIX, set_session_cookie
from hub.identity.oidc import ProviderUnavailable, TokenRefused
from hub.identity.oidc_login import COOKIE, SIGN_IN_SECONDS, BrowserSignIn, SignInRefused
from hub.identity.service import Identity

router = APIRouter(tags=["sign-in"], include_in_schema=False)
COOKIE_PATH = "/auth/oidc"


def start_session(identity: Identity, principal: Principal) -> dict[str, Any]:
    """Starts a hub session (as a local sign-in does) for the official the provider vouched
    for, and answers its token with the official as the hub knows them (JSON for now; the
    console will keep the token in a cookie)."""
    signed = identity.start_session(principal)
    return {**me(signed.principal), "token": signed.token, "expires": signed.expires}


def sign_in(request: Request) -> BrowserSignIn:
    services = request.app.state.services
    if services.oidc is None:
        raise Problem(
            404,
            "oidc-not-configured",
            "Sign-in through an identity provider is off",
            "this hub has no OpenID Connect provider (HUB_OIDC_ISSUER is not set)",
        )
    return BrowserSignIn(services.oidc, services.settings.secret("cipher_key"))


def unavailable(error: ProviderUnavailable) -> Problem:
    return Problem(
        503,
        "identity-provider-unavailable",
        "Identity provider unavailable",
        str(error),
        headers={"Retry-After": "5"},
    )


@router.get("/auth/oidc/login")
async def login(request: Request) -> RedirectResponse:
    flow = sign_in(request)
    try:
        started = await run_in_threadpool(flow.begin)
    except ProviderUnavailable as error:
        raise unavailable(error) from None
    response = RedirectResponse(started.url, status_code=302)
    response.set_cookie(
        COOKIE,
        started.cookie,
        max_age=SIGN_IN_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        secure=flow.config.redirect_uri.startswith("https://"),
        samesite="lax",
    )
    return response


@router.get("/auth/oidc/callback")
async def callback(request: Request) -> Response:
    if request.cookies.get(CONSOLE_FLOW_COOKIE):  # begun by the console: answer the console
        try:
            return await _callback(request, console=True)
        except Problem as refused:
            response: Response = RedirectResponse(
                f"{PREFIX}/sign-in?error={quote(refused.rule)}", status_code=303
            )
            response.delete_cookie(COOKIE, path=COOKIE_PATH)
            response.delete_cookie(CONSOLE_FLOW_COOKIE, path=COOKIE_PATH)
            return response
    return await _callback(request, console=False)


async def _callback(request: Request, *, console: bool) -> Response:
    flow = sign_in(request)
    identity: Identity = request.app.state.services.identity
    params = dict(request.query_params)
    try:
        vouched = await run_in_threadpool(flow.finish, request.cookies.get(COOKIE), params)
        principal = await run_in_threadpool(identity.principal_for_provider, vouched)
    except SignInRefused as refused:
        metrics.sign_in_failures.labels(f"oidc-{refused.rule}").inc()
        raise Problem(400, refused.rule, "Sign-in not completed", refused.detail) from None
    except TokenRefused as refused:
        if refused.reason == "no-hub-role":
            metrics.sign_in_failures.labels("no-hub-role").inc()
            raise Problem(403, "no-hub-role", "No role in the hub", refused.detail) from None
        metrics.sign_in_failures.labels("invalid-jwt").inc()
        raise invalid_token(refused) from None
    except ProviderUnavailable as error:
        raise unavailable(error) from None
    if principal.kind != PrincipalKind.USER or principal.user_id is None:
        metrics.sign_in_failures.labels("no-hub-official").inc()
        raise Problem(
            403,
            "no-hub-official",
            "No official in the hub",
            "no official of the hub has this identity provider's id; an administrator adds "
            "the official with it as their external id",
        )
    answer = await run_in_threadpool(start_session, identity, principal)
    response: Response
    if console:  # --- the console's sign-in: its session cookie, then its pages ---
        response = RedirectResponse(f"{PREFIX}/work", status_code=303)
        https = request.app.state.services.settings.console_https
        set_session_cookie(response, answer["token"], answer["expires"], https=https)
        response.delete_cookie(CONSOLE_FLOW_COOKIE, path=COOKIE_PATH)
    else:
        response = JSONResponse(jsonable_encoder(answer))
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response
