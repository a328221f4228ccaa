"""Who is asking: the console's cookie resolved to the same principal the API's bearer token
gives (:func:`hub.api.gate.resolve_bearer`), the language asked for, and the CSRF check.

A page depends on :data:`Official` (any signed-in caller; anyone else is sent to the sign-in
page) and reads the role and agency from it exactly as an API route reads ``Reader``; the
access rules are the API's (:mod:`hub.api.deps`).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from hub.access.principal import Principal
from hub.api.gate import resolve_bearer
from hub.bootstrap import Services
from hub.console import i18n
from hub.console.security import (
    CSRF_FIELD,
    LANG_COOKIE,
    PRE_SESSION_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    csrf_ok,
)


class SignInRequired(Exception):
    """No valid session: the browser is sent to the sign-in page, then back to ``next``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    """A form came without the token of this browser's session."""


def services_of(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def lang_of(request: Request) -> i18n.Lang:
    asked = request.query_params.get("lang")
    if asked in i18n.LANGS:
        return asked
    return i18n.pick(request.cookies.get(LANG_COOKIE))


async def principal_or_none(request: Request) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    services = services_of(request)
    resolved = await resolve_bearer(services.identity, services.oidc, token)
    return resolved if isinstance(resolved, Principal) else None


async def get_official(request: Request) -> Principal:
    principal = await principal_or_none(request)
    if principal is None:
        path = request.url.path
        if request.url.query:
            path += "?" + request.url.query
        raise SignInRequired(path)
    request.state.principal = principal
    return principal


Official = Annotated[Principal, Depends(get_official)]


def sign_in_url(next_path: str) -> str:
    return f"{PREFIX}/sign-in?next={quote(next_path, safe='')}"


def csrf_bound_to(request: Request) -> str | None:
    """The cookie value this browser's form tokens are bound to."""
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRE_SESSION_COOKIE)


async def check_csrf(request: Request) -> None:
    """Refuses a form whose token is not this browser's session's (:class:`CsrfRefused`)."""
    form = await request.form()
    given = form.get(CSRF_FIELD)
    key: bytes = request.app.state.csrf_key
    if not csrf_ok(key, csrf_bound_to(request), given if isinstance(given, str) else None):
        raise CsrfRefused()


Csrf = Depends(check_csrf)
#: a signed-in official's form: anonymous callers go to sign-in first, then the token counts
SIGNED_FORM = [Depends(get_official), Csrf]
