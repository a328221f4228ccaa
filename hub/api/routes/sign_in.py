"""Browser sign-in through the organisation's OpenID Connect provider (统一身份认证登录).

``GET /auth/oidc/login`` sends the browser to the provider (authorization code with PKCE);
``GET /auth/oidc/callback`` is where it comes back: the code is exchanged, the ID token
verified, and the official handed to :func:`start_session`. Both answer without a token (the
gate lets them through) and 404 while OpenID Connect is off. They are pages' routes, not the
API's, so they stay out of the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from hub.access.tokens import Principal
from hub.api.gate import invalid_token
from hub.api.problems import Problem
from hub.identity.oidc import OidcIdentity, ProviderUnavailable, TokenRefused, principal_of
from hub.identity.oidc_login import COOKIE, SIGN_IN_SECONDS, BrowserSignIn, SignInRefused

router = APIRouter(tags=["sign-in"], include_in_schema=False)
COOKIE_PATH = "/auth/oidc"


def start_session(identity: OidcIdentity, principal: Principal) -> dict[str, Any]:
    """What a completed sign-in answers: for now the official as the hub knows them."""
    return {
        "subject": identity.subject,
        "username": identity.username,
        "name": identity.name,
        "agency_id": str(principal.agency_id) if principal.agency_id else None,
        "roles": list(identity.roles),
        "role": principal.role.value,
    }


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
async def callback(request: Request) -> JSONResponse:
    flow = sign_in(request)
    params = dict(request.query_params)
    try:
        identity = await run_in_threadpool(flow.finish, request.cookies.get(COOKIE), params)
        principal = principal_of(identity)
    except SignInRefused as refused:
        raise Problem(400, refused.rule, "Sign-in not completed", refused.detail) from None
    except TokenRefused as refused:
        if refused.reason == "no-hub-role":
            raise Problem(403, "no-hub-role", "No role in the hub", refused.detail) from None
        raise invalid_token(refused) from None
    except ProviderUnavailable as error:
        raise unavailable(error) from None
    response = JSONResponse(start_session(identity, principal))
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response
