"""The console's security: headers, the session cookie, CSRF, sign-in and sign-out.

Against the real app (the API's ``create_app`` with the console mounted) on the selected log,
through a client that keeps its cookies as a browser does.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api.conftest import PASSWORD, Api
from tests.integration.console.conftest import Browser


def set_cookies(response: Any) -> dict[str, str]:
    """``name -> the whole Set-Cookie line`` of an answer."""
    found = {}
    for line in response.headers.get_list("set-cookie"):
        found[line.split("=", 1)[0]] = line
    return found


def test_every_page_carries_a_csp_without_inline_script_and_refuses_framing(browser: Any) -> None:
    b = browser("ca")
    for path in ("/console/sign-in", "/console/work", "/console/no-such-page"):
        page = b.get(path)
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
        assert "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "http" not in csp  # no other host
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["cache-control"] == "no-store"
        assert "<script>" not in page.text and " style=" not in page.text
        assert " on" + "click=" not in page.text
    asset = b.get("/console/static/console.js")
    assert asset.status_code == 200 and "content-security-policy" in asset.headers


def test_pages_are_chinese_by_default_and_english_on_request(browser: Any) -> None:
    b = browser()
    page = b.get("/console/sign-in")
    assert '<html lang="zh-CN">' in page.text and "登录" in page.text
    english = b.get("/console/sign-in?lang=en")
    assert '<html lang="en">' in english.text and "Sign in" in english.text
    assert "lang=en" in set_cookies(english)["lang"]
    assert '<html lang="en">' in b.get("/console/sign-in").text  # the cookie keeps it


def test_the_session_cookie_is_httponly_strict_and_scoped(browser: Any, api: Api) -> None:
    b = Browser(browser().client.app)
    who = api.as_official("ca", "caseworker")
    signed = b.sign_in(api.ids["ca"], who.rsplit(":", 1)[1])
    assert signed.status_code == 303 and signed.headers["location"] == "/console/work"
    cookie = set_cookies(signed)["hub_console"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Path=/console" in cookie and "Secure" not in cookie
    assert "Max-Age=" in cookie


def test_behind_https_the_cookies_are_secure(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from hub.api.app import create_app

    monkeypatch.setattr(api.services.settings, "console_https", True)
    b = Browser(create_app(api.services))
    who = api.as_official("ca", "caseworker")
    pre = set_cookies(b.get("/console/sign-in"))["hub_console_pre"]
    assert "Secure" in pre
    signed = b.sign_in(api.ids["ca"], who.rsplit(":", 1)[1])
    assert "Secure" in set_cookies(signed)["hub_console"]


def test_a_form_without_the_sessions_token_is_refused_in_chinese_and_changes_nothing(
    browser: Any, api: Api
) -> None:
    referral = api.referral("p", "ca")
    b = browser("ca")
    page = b.get(f"/console/work/referrals/{referral}")
    assert page.status_code == 200
    key = b.key()
    other = browser("ca")  # another official's session: its token is not this one's
    other.get("/console/work")
    before = api.log_position()
    for token in ("", "0" * 64, other.csrf):
        refused = b.post(f"/console/work/referrals/{referral}/receive", {"key": key}, csrf=token)
        assert refused.status_code == 403
        assert "安全校验未通过" in refused.text
    assert api.log_position() == before
    assert api.get("ca", f"/referrals/{referral}").json()["status"] == "requested"
    done = b.post(f"/console/work/referrals/{referral}/receive", {"key": key})
    assert done.status_code == 303
    assert api.get("ca", f"/referrals/{referral}").json()["status"] == "received"


def test_signing_in_needs_the_pages_token_too(browser: Any, api: Api) -> None:
    who = api.as_official("ca", "caseworker")
    b = browser()
    b.get("/console/sign-in")
    refused = b.post(
        "/console/sign-in",
        {"agency": api.ids["ca"], "staff_number": who.rsplit(":", 1)[1], "password": PASSWORD},
        csrf="",
    )
    assert refused.status_code == 403 and "hub_console=" not in str(refused.headers)


def test_a_wrong_password_reads_the_same_and_locking_is_said_in_chinese(
    browser: Any, api: Api
) -> None:
    who = api.as_official("ca", "caseworker")
    number = who.rsplit(":", 1)[1]
    b = browser()
    wrong = b.sign_in(api.ids["ca"], number, "not the password")
    assert wrong.status_code == 401 and "单位、工号、密码或验证码不正确" in wrong.text
    nobody = b.sign_in(api.ids["ca"], "no-such-number", "not the password")
    assert nobody.status_code == 401 and "单位、工号、密码或验证码不正确" in nobody.text
    for _ in range(5):
        last = b.sign_in(api.ids["ca"], number, "still wrong")
    assert last.status_code == 429
    assert "账户已暂时锁定" in last.text and "秒后再试" in last.text


def test_anonymous_callers_are_sent_to_sign_in_and_back(browser: Any, api: Api) -> None:
    referral = api.referral("p", "ca")
    path = f"/console/work/referrals/{referral}"
    b = browser()
    sent = b.get(path)
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/console/sign-in?next=%2Fconsole%2Fwork")
    who = api.as_official("ca", "caseworker")
    b.get(sent.headers["location"])
    back = b.post(
        "/console/sign-in",
        {
            "agency": "测试县民政局",  # the agency's name works as its id does
            "staff_number": who.rsplit(":", 1)[1],
            "password": PASSWORD,
            "next": path,
        },
    )
    assert back.status_code == 303 and back.headers["location"] == path
    assert b.get(path).status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/docs"])
def test_sign_in_returns_only_inside_the_console(browser: Any, api: Api, target: str) -> None:
    who = api.as_official("ca", "caseworker")
    b = browser()
    b.get("/console/sign-in")
    back = b.post(
        "/console/sign-in",
        {
            "agency": api.ids["ca"],
            "staff_number": who.rsplit(":", 1)[1],
            "password": PASSWORD,
            "next": target,
        },
    )
    assert back.headers["location"] == "/console/work"


def test_signing_out_ends_the_session_for_the_api_too(browser: Any, api: Api) -> None:
    b = browser("ca")
    token = b.client.cookies.get("hub_console")
    assert (
        api.client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    b.get("/console/work")
    out = b.post("/console/sign-out", {})
    assert out.status_code == 303 and out.headers["location"] == "/console/sign-in"
    assert (
        'hub_console=""' in set_cookies(out)["hub_console"]
        or "Max-Age=0" in set_cookies(out)["hub_console"]
    )
    assert (
        api.client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    b.client.cookies.set("hub_console", token, path="/console")  # the old cookie, kept
    assert b.get("/console/work").status_code == 303


def test_the_api_does_not_take_the_cookie(browser: Any, api: Api) -> None:
    """The cookie signs in the console only: the API asks for a bearer token."""
    b = browser("ca")
    token = b.client.cookies.get("hub_console")
    answer = api.client.get("/auth/me", headers={"Cookie": f"hub_console={token}"})
    assert answer.status_code == 401


def test_another_agencys_referral_reads_as_a_missing_one(browser: Any, api: Api) -> None:
    referral = api.referral("p", "ca")
    b = browser("mi")
    other = b.get(f"/console/work/referrals/{referral}")
    missing = b.get("/console/work/referrals/00000000-0000-4000-8000-000000000000")
    malformed = b.get("/console/work/referrals/not-an-id")
    assert other.status_code == missing.status_code == malformed.status_code == 404
    assert "没有找到该页面或记录" in other.text
    strip = lambda text: text.replace(b.csrf, "")  # noqa: E731
    assert strip(other.text) == strip(missing.text)


def test_the_hubs_root_sends_every_browser_to_the_console(api: Api, browser: Any) -> None:
    """``/`` answers without a token (no 401 for a browser) and only points to the console."""
    for b in (browser(), browser("ca")):
        root = b.get("/")
        assert root.status_code == 303 and root.headers["location"] == "/console/"
    assert api.client.get("/", follow_redirects=False).headers["location"] == "/console/"
