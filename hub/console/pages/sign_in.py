"""Signing in and out of the console (登录、退出).

Local accounts (agency, staff number, password, and the TOTP code once enrolled) through the
identity service, exactly as ``POST /auth/sign-in``: every refusal reads the same, repeated
failures lock the account for a while (shown in the official's language with the seconds
left). With OpenID Connect configured, ``/sign-in/oidc`` starts the provider's sign-in
(authorization code + PKCE, :mod:`hub.identity.oidc_login`); the callback
(``/auth/oidc/callback``) then sets the console's cookie instead of answering JSON.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from domain.agency import Agency
from domain.officials import User
from hub.api.routes import sign_in as oidc_routes
from hub.console.security import (
    CONSOLE_FLOW_COOKIE,
    PRE_SESSION_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    new_pre_session,
    set_session_cookie,
)
from hub.console.session import SIGNED_FORM, Csrf, Official, principal_or_none, services_of
from hub.identity.oidc import ProviderUnavailable
from hub.identity.oidc_login import COOKIE as OIDC_COOKIE
from hub.identity.oidc_login import SIGN_IN_SECONDS, BrowserSignIn
from hub.identity.passwords import LockedOut, SignInRefused

router = APIRouter()
NAV: list[object] = []


def safe_next(value: str | None) -> str:
    """Only a path inside the console (never another host) to return to after sign-in."""
    if not value:
        return f"{PREFIX}/work"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith(PREFIX + "/") or "\\" in value:
        return f"{PREFIX}/work"
    return value


def agency_id_of(agency: str) -> UUID:
    try:
        return UUID(agency.strip())
    except ValueError:
        return Agency.id_for(agency.strip())


@router.get("/")
async def home(request: Request) -> RedirectResponse:
    principal = await principal_or_none(request)
    target = f"{PREFIX}/work" if principal else f"{PREFIX}/sign-in"
    return RedirectResponse(target, status_code=303)


@router.get("/sign-in")
async def sign_in_page(request: Request, next: str | None = None) -> Response:
    if request.cookies.get(SESSION_COOKIE) is None and not request.cookies.get(PRE_SESSION_COOKIE):
        request.state.pre_session = new_pre_session()
    services = services_of(request)
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "sign_in.html",
        next=safe_next(next),
        oidc=services.oidc is not None,
        error=request.query_params.get("error"),
    )


def _refused(request: Request, message: str, status: int, **values: object) -> Response:
    services = services_of(request)
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "sign_in.html",
        status,
        next=safe_next(request.query_params.get("next")),
        oidc=services.oidc is not None,
        message=message,
        message_values=values,
    )


@router.post("/sign-in", dependencies=[Csrf])
async def sign_in(
    request: Request,
    agency: Annotated[str, Form(max_length=200)],
    staff_number: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=500)],
    code: Annotated[str, Form(max_length=20)] = "",
    next: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    identity = services_of(request).identity
    user_id = User.id_for(agency_id_of(agency), staff_number.strip())
    try:
        signed = await run_in_threadpool(identity.sign_in, user_id, password, code.strip() or None)
    except LockedOut as e:
        return _refused(request, "sign_in.locked", 429, seconds=e.retry_after)
    except SignInRefused:
        return _refused(request, "sign_in.refused", 401)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, signed.token, signed.expires, https=request.app.state.https)
    response.delete_cookie(PRE_SESSION_COOKIE, path=PREFIX)
    return response


@router.post("/sign-out", dependencies=SIGNED_FORM)
async def sign_out(request: Request, principal: Official) -> Response:
    await run_in_threadpool(services_of(request).identity.sign_out, principal)
    response = RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


@router.get("/sign-in/oidc")
async def sign_in_oidc(
    request: Request, flow: Annotated[BrowserSignIn, Depends(oidc_routes.sign_in)]
) -> Response:
    """Sends the browser to the identity provider; it comes back to the API's callback."""
    try:
        started = await run_in_threadpool(flow.begin)
    except ProviderUnavailable:
        return RedirectResponse(f"{PREFIX}/sign-in?error=provider-unavailable", 303)
    response = RedirectResponse(started.url, status_code=302)
    secure = flow.config.redirect_uri.startswith("https://")
    for name, value in ((OIDC_COOKIE, started.cookie), (CONSOLE_FLOW_COOKIE, "1")):
        response.set_cookie(
            name,
            value,
            max_age=SIGN_IN_SECONDS,
            path=oidc_routes.COOKIE_PATH,
            httponly=True,
            secure=secure,
            samesite="lax",  # the provider's redirect back is a cross-site navigation
        )
    return response
