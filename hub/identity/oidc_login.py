"""Browser sign-in through the provider: the authorization-code flow with PKCE (S256).

:meth:`BrowserSignIn.begin` makes a fresh ``state``, ``nonce`` and PKCE verifier, and the
provider's authorization URL; the three are kept in a short-lived cookie sealed with a key
derived from the hub's cipher key (JWE ``dir`` + A256GCM, by joserfc), so the browser carries
them but can neither read nor change them, and a callback from another browser (login CSRF)
finds no cookie. :meth:`BrowserSignIn.finish` checks the answer against that cookie, exchanges
the code at the token endpoint (client secret and verifier) and verifies the ID token,
``nonce`` included, returning the official's :class:`~hub.identity.oidc.OidcIdentity`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from hub.identity.oidc import OidcIdentity, OidcVerifier, ProviderUnavailable, identity_from_claims

#: how long a sign-in may take between the redirect and the callback
SIGN_IN_SECONDS = 600
COOKIE = "hub_oidc_sign_in"
SCOPES = "openid profile"


class SignInRefused(Exception):
    """The callback does not complete a sign-in this browser began (or the provider refused)."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(detail)
        self.rule = rule
        self.detail = detail


def pkce_challenge(verifier: str) -> str:
    """RFC 7636's S256 challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Started:
    """Where to send the browser, and the sealed cookie to set."""

    url: str
    cookie: str


class BrowserSignIn:
    def __init__(self, verifier: OidcVerifier, cipher_key: bytes) -> None:
        self.verifier = verifier
        self.config = verifier.config
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"hub oidc sign-in cookie"
        ).derive(cipher_key)
        self._key = OctKey.import_key(key)

    def begin(self) -> Started:
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        code_verifier = secrets.token_urlsafe(48)
        query = {
            "response_type": "code",
            "client_id": self.config.client_id,
            "redirect_uri": self.config.redirect_uri,
            "scope": SCOPES,
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(code_verifier),
            "code_challenge_method": "S256",
        }
        endpoint = self.verifier.discovery().authorization_endpoint
        expires = time.time() + SIGN_IN_SECONDS
        held = {"state": state, "nonce": nonce, "verifier": code_verifier, "exp": expires}
        return Started(f"{endpoint}?{urlencode(query)}", self._seal(held))

    def _seal(self, held: dict[str, Any]) -> str:
        header = {"alg": "dir", "enc": "A256GCM"}
        return jwe.encrypt_compact(header, json.dumps(held).encode(), self._key)

    def _open(self, cookie: str | None) -> dict[str, Any]:
        if not cookie:
            raise SignInRefused("sign-in-state", "no sign-in was begun in this browser")
        try:
            held = json.loads(jwe.decrypt_compact(cookie, self._key).plaintext or b"")
        except (JoseError, ValueError):
            raise SignInRefused("sign-in-state", "the sign-in cookie is not the hub's") from None
        if not isinstance(held, dict) or float(held.get("exp", 0)) < time.time():
            raise SignInRefused("sign-in-state", "the sign-in took too long; begin again")
        return held

    def finish(self, cookie: str | None, params: dict[str, str]) -> OidcIdentity:
        held = self._open(cookie)
        if not hmac.compare_digest(str(held.get("state")), params.get("state", "")):
            raise SignInRefused("sign-in-state", "the answer is for another sign-in")
        issuer = params.get("iss")  # RFC 9207: which provider answers (mix-up defence)
        if issuer is not None and issuer != self.config.issuer:
            raise SignInRefused("sign-in-state", "the answer comes from another provider")
        if "error" in params:
            raise SignInRefused("sign-in-refused", "the identity provider refused the sign-in")
        code = params.get("code")
        if not code:
            raise SignInRefused("sign-in-state", "the answer carries no code")
        id_token = self._exchange(code, str(held["verifier"]))
        claims = self.verifier.verify(
            id_token, audience=self.config.client_id, nonce=str(held["nonce"])
        )
        return identity_from_claims(
            claims, agency_claim=self.config.agency_claim, roles_claim=self.config.roles_claim
        )

    def _exchange(self, code: str, code_verifier: str) -> str:
        """The ID token the token endpoint gives for ``code`` (client_secret_basic)."""
        endpoint = self.verifier.discovery().token_endpoint
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.config.redirect_uri,
            "code_verifier": code_verifier,
        }
        secret = self.config.client_secret or ""
        try:
            response = httpx.post(
                endpoint, data=form, auth=(self.config.client_id, secret), timeout=10.0
            )
        except httpx.HTTPError as error:
            raise ProviderUnavailable(
                f"the token endpoint did not answer ({type(error).__name__})"
            ) from None
        if response.status_code >= 500:
            raise ProviderUnavailable(f"the token endpoint answered {response.status_code}")
        if response.status_code != 200:
            raise SignInRefused("sign-in-refused", "the identity provider refused the code")
        try:
            id_token = response.json()["id_token"]
        except (ValueError, KeyError, TypeError):
            raise SignInRefused("sign-in-refused", "the provider gave no ID token") from None
        return str(id_token)
