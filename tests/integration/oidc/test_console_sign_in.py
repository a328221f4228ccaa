"""The console's sign-in through the identity provider: begun at ``/console/sign-in/oidc``, the
same callback then sets the console's session cookie and opens the work queue instead of
answering JSON; a refusal comes back to the console's sign-in page, said in Chinese."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.integration.oidc.conftest import Hub
from tests.integration.oidc.test_browser import callback, sign_in_at_provider, signing_in

__all__ = ["signing_in"]


def begin_in_console(hub: Hub) -> str:
    started = hub.client.get("/console/sign-in/oidc", follow_redirects=False)
    assert started.status_code == 302, started.text
    cookies = started.headers.get_list("set-cookie")
    assert any(c.startswith("hub_console_flow=") and "Path=/auth/oidc" in c for c in cookies)
    location = started.headers["location"]
    assert parse_qs(urlsplit(location).query)["code_challenge_method"] == ["S256"]
    return location


def test_the_console_signs_in_through_the_provider_with_its_cookie(signing_in: Hub) -> None:
    page = signing_in.client.get("/console/sign-in")
    assert "通过统一身份认证登录" in page.text and 'href="/console/sign-in/oidc"' in page.text
    returned = sign_in_at_provider(begin_in_console(signing_in), "li")
    answer = signing_in.client.get(
        returned.removeprefix("http://testserver"), follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/console/work"
    session = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("hub_console="))
    assert "HttpOnly" in session and "samesite=strict" in session.lower()
    assert "Path=/console" in session and "hs_" in session  # a hub session, not the JWT
    home = signing_in.client.get("/console/", follow_redirects=False)
    assert home.headers["location"] == "/console/work"  # signed in
    page = signing_in.client.get("/console/work/new", follow_redirects=False)
    assert page.status_code == 200 and "李经办" in page.text
    # a sign-in begun by the API still answers JSON
    assert callback(signing_in, returned).status_code == 400  # used up, as before


def test_a_refusal_returns_to_the_consoles_sign_in_page_in_chinese(signing_in: Hub) -> None:
    returned = sign_in_at_provider(begin_in_console(signing_in), "visitor")
    answer = signing_in.client.get(
        returned.removeprefix("http://testserver"), follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in?error=no-hub-role"
    page = signing_in.client.get(answer.headers["location"])
    assert "统一身份认证登录未完成" in page.text and "没有本系统的角色" in page.text
    assert "hub_console=" not in str(answer.headers.get_list("set-cookie"))
