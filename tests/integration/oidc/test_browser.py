"""Browser sign-in: authorization code with PKCE against the provider, its login form driven
with httpx as a browser would submit it."""

from __future__ import annotations

import re
import warnings
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from tests.integration.api.conftest import assert_problem
from tests.integration.oidc.conftest import Hub, HubFactory
from tests.support.oidc_provider import REDIRECT_URI, LoopbackProvider

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def signing_in(provider: LoopbackProvider, hub_factory: HubFactory) -> Hub:
    secret = provider.add_client("hub")
    hub = hub_factory(client_secret=secret)
    ca = hub.register("ca")
    provider.accounts["li"] = {
        "hub_agency": ca,
        "hub_roles": ["caseworker"],
        "preferred_username": "li.jingban",
        "name": "李经办",
    }
    provider.accounts["visitor"] = {"preferred_username": "visitor", "hub_roles": []}
    provider.accounts["stranger"] = {"hub_agency": ca, "hub_roles": ["caseworker"]}
    provider.start()
    official = {
        "agency_id": ca,
        "name": "李经办",
        "staff_number": "CA-007",
        "roles": ["caseworker"],
        "external_id": "li",
    }
    added = hub.call("POST", "/users", hub.admin, official)
    assert added.status_code == 201, added.text
    hub.ids["li"] = added.json()["id"]
    return hub


def sign_in_at_provider(authorize: str, login: str) -> str:
    """Follows the provider's pages from the authorization URL, signs in as ``login`` and
    consents; returns the URL the provider sends the browser back to (the hub's callback)."""
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        response = browser.get(authorize)
        url = authorize
        for _ in range(10):
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["location"])
                if url.startswith(REDIRECT_URI):
                    return url
                response = browser.get(url)
                continue
            assert response.status_code == 200, response.text
            action = re.search(r'<form[^>]*action="([^"]+)"', response.text)
            prompt = re.search(r'name="prompt" value="(\w+)"', response.text)
            assert action and prompt, response.text
            form = {"prompt": prompt.group(1)}
            if prompt.group(1) == "login":
                form |= {"login": login, "password": "any password"}
            response = browser.post(urljoin(url, action.group(1)), data=form)
    raise AssertionError("the provider did not send the browser back")


def begin(hub: Hub) -> tuple[str, dict[str, list[str]]]:
    started = hub.client.get("/auth/oidc/login")
    assert started.status_code == 302, started.text
    location = started.headers["location"]
    return location, parse_qs(urlsplit(location).query)


def callback(hub: Hub, url: str, *, cookies: bool = True) -> Any:
    path = url.removeprefix("http://testserver")
    if cookies:
        return hub.client.get(path)
    return TestClient(hub.client.app).get(path)  # a browser with no cookies


def test_an_official_signs_in_with_code_and_pkce(
    signing_in: Hub, provider: LoopbackProvider
) -> None:
    authorize, query = begin(signing_in)
    assert authorize.startswith(provider.issuer)
    assert query["code_challenge_method"] == ["S256"] and query["response_type"] == ["code"]
    assert {"state", "nonce", "code_challenge"} <= set(query)
    answer = callback(signing_in, sign_in_at_provider(authorize, "li"))
    assert answer.status_code == 200, answer.text
    signed = answer.json()
    official = {
        "kind": "user",
        "role": "staff",
        "user_id": signing_in.ids["li"],
        "agency_id": signing_in.ids["ca"],
        "name": "李经办",
        "roles": ["caseworker"],
    }
    assert {k: v for k, v in signed.items() if k not in ("token", "expires")} == official
    # a hub session (as a local sign-in starts), not the provider's token
    assert signed["token"].startswith("hs_")
    assert signing_in.call("GET", "/auth/me", signed["token"]).json() == official
    assert signing_in.call("POST", "/auth/sign-out", signed["token"]).status_code == 204
    assert signing_in.call("GET", "/auth/me", signed["token"]).status_code == 401
    # the sign-in is used up: the same answer again finds no sign-in begun
    again = callback(signing_in, sign_in_at_provider(authorize, "li"))
    assert_problem(again, 400, "sign-in-state")


def test_a_callback_in_another_browser_or_for_another_state_is_refused(
    signing_in: Hub,
) -> None:
    authorize, _ = begin(signing_in)
    returned = sign_in_at_provider(authorize, "li")
    # login CSRF: the answer carried to a browser that began no sign-in
    assert_problem(callback(signing_in, returned, cookies=False), 400, "sign-in-state")
    changed = re.sub(r"state=[^&]+", "state=someone-elses", returned)
    assert_problem(callback(signing_in, changed), 400, "sign-in-state")
    # the cookie is kept for the genuine answer, which still completes
    assert callback(signing_in, returned).status_code == 200


def test_sign_in_needs_no_token_and_a_bearer_changes_nothing(signing_in: Hub) -> None:
    """The sign-in routes are public: a caller's token, valid or not, is not looked at."""
    for token in (None, "hub_not-a-real-token", signing_in.tokens["ca"]):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        assert signing_in.client.get("/auth/oidc/login", headers=headers).status_code == 302


def test_an_official_without_a_hub_role_is_refused(signing_in: Hub) -> None:
    authorize, _ = begin(signing_in)
    answer = callback(signing_in, sign_in_at_provider(authorize, "visitor"))
    assert_problem(answer, 403, "no-hub-role")


def test_the_provider_refusing_the_sign_in_is_a_problem(signing_in: Hub) -> None:
    _, query = begin(signing_in)
    state = query["state"][0]
    answer = signing_in.client.get(f"/auth/oidc/callback?error=access_denied&state={state}")
    assert_problem(answer, 400, "sign-in-refused")


def test_an_official_the_hub_has_no_user_for_starts_no_session(signing_in: Hub) -> None:
    """The provider vouches for her and her claims name a role, but no official of the hub has
    her as external id: a session is for the hub's officials only."""
    authorize, _ = begin(signing_in)
    answer = callback(signing_in, sign_in_at_provider(authorize, "stranger"))
    assert_problem(answer, 403, "no-hub-official")
