"""The browser sign-in's own pieces, without a provider: PKCE and the sealed state cookie."""

from __future__ import annotations

import time

import pytest

from hub.identity.oidc import OidcConfig, OidcVerifier
from hub.identity.oidc_login import BrowserSignIn, SignInRefused, pkce_challenge

CONFIG = OidcConfig(
    issuer="https://sso.example/realms/hub",
    audience="hub-api",
    client_id="hub",
    client_secret="s" * 32,
    redirect_uri="https://hub.example/auth/oidc/callback",
)


def test_the_pkce_challenge_is_rfc_7636s_s256() -> None:
    """RFC 7636, appendix B."""
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def flow(key: bytes = b"k" * 32) -> BrowserSignIn:
    return BrowserSignIn(OidcVerifier(CONFIG), key)


STATE = "state-that-the-cookie-hides"  # long enough not to appear in a ciphertext by chance
VERIFIER = "verifier-that-the-cookie-hides"


def held() -> dict[str, object]:
    return {"state": STATE, "nonce": "n1", "verifier": VERIFIER, "exp": time.time() + 60}


def test_the_cookie_hides_what_it_holds_and_opens_only_with_the_hubs_key() -> None:
    cookie = flow()._seal(held())
    assert STATE not in cookie and VERIFIER not in cookie
    assert flow()._open(cookie)["verifier"] == VERIFIER
    with pytest.raises(SignInRefused, match="not the hub's"):
        flow(b"x" * 32)._open(cookie)
    header, key, iv, text, tag = cookie.split(".")
    changed = ".".join([header, key, iv, ("B" if text[0] == "A" else "A") + text[1:], tag])
    with pytest.raises(SignInRefused, match="not the hub's"):
        flow()._open(changed)


def test_an_old_cookie_or_none_is_refused() -> None:
    with pytest.raises(SignInRefused, match="no sign-in"):
        flow()._open(None)
    late = {**held(), "exp": time.time() - 1}
    with pytest.raises(SignInRefused, match="too long"):
        flow()._open(flow()._seal(late))


def test_the_callback_must_answer_this_browsers_state_and_provider() -> None:
    cookie = flow()._seal(held())
    for params, message in [
        ({"state": "s2", "code": "c"}, "another sign-in"),
        ({"state": STATE, "code": "c", "iss": "https://evil.example"}, "another provider"),
        ({"state": STATE, "error": "access_denied"}, "refused"),
        ({"state": STATE}, "no code"),
    ]:
        with pytest.raises(SignInRefused, match=message):
            flow().finish(cookie, params)
