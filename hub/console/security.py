"""The console's security: its session cookie, CSRF tokens and response headers.

- The session cookie (:data:`SESSION_COOKIE`) holds a hub session token (``hs_…``), the same
  a local ``POST /auth/sign-in`` answers; HttpOnly, SameSite=Strict, path :data:`PREFIX`, and
  Secure when ``HUB_CONSOLE_HTTPS`` says the console is served behind HTTPS.
- Every form carries a CSRF token: an HMAC, under a key derived from the hub's cipher key, of
  the session token (or, before sign-in, of a random pre-session cookie), so a token is good
  only with the cookie it was made for. A POST without the right one is refused (403 page).
- Every answer carries a Content-Security-Policy with no inline script or style and nothing
  from another host, ``frame-ancestors 'none'`` with ``X-Frame-Options: DENY``, ``nosniff``,
  ``Referrer-Policy: same-origin``, and pages are not cached.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: where the console lives (``/`` sends the browser here)
PREFIX = "/console"
SESSION_COOKIE = "hub_console"
PRE_SESSION_COOKIE = "hub_console_pre"
LANG_COOKIE = "lang"
CSRF_FIELD = "csrf"
#: set beside the OpenID Connect sign-in cookie: the callback answers the console, not JSON
CONSOLE_FLOW_COOKIE = "hub_console_flow"

CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)

HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def csrf_key(cipher_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"hub console csrf").derive(
        cipher_key
    )


def csrf_token(key: bytes, bound_to: str) -> str:
    """The form token for the cookie value ``bound_to``."""
    return hmac.new(key, bound_to.encode(), hashlib.sha256).hexdigest()


def csrf_ok(key: bytes, bound_to: str | None, given: str | None) -> bool:
    if not bound_to or not given:
        return False
    return hmac.compare_digest(csrf_token(key, bound_to), given)


def set_session_cookie(response: Response, token: str, expires: float, *, https: bool) -> None:
    """The console's session cookie: the hub session's token, for as long as it lasts."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max(0, int(expires - time.time())),
        path=PREFIX,
        httponly=True,
        secure=https,
        samesite="strict",
    )


def new_pre_session() -> str:
    return secrets.token_urlsafe(24)


class SecurityHeaders:
    """Adds :data:`HEADERS` to every console answer; pages (HTML) are not cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if headers.get("content-type", "").startswith("text/html"):
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)
