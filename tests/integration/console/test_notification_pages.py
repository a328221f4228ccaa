"""The console's bell and notification list, for every kind of caller: anonymous (sent to
sign in), an official of an agency not party (their own empty list; another's notification
is not found), the official told (the bell counts it, the list shows it with its link, marking
read empties the bell), an auditor and an administrator official (their own lists), and the
break-glass administrator token (no official: not allowed)."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest

from hub.api.app import create_app
from hub.console.security import SESSION_COOKIE
from hub.notify.notifier import Notifier
from tests.integration.api.conftest import Api

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def told(api: Api) -> dict[str, str]:
    callers = {
        "party": api.as_official("ca", "caseworker"),
        "non_party": api.as_official("out", "case_officer"),
        "admin": api.as_official("p", "admin"),
    }
    referral = api.referral("p", "ca")
    Notifier(api.services.hub, api.services.notify, channels={}, base_url="").apply(
        list(api.services.hub.recorder.select_notifications(1, 100_000))
    )
    [item] = api.services.notify.items_of(api.users[callers["party"]])
    return callers | {"item": item.id, "referral": referral}


def browser(api: Api, who: str | None) -> Any:
    client = TestClient(create_app(api.services), follow_redirects=False)
    if who is not None:
        client.cookies.set(SESSION_COOKIE, api.tokens[who], path="/console")
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no form token on the page"
    return found.group(1)


def bell(html: str) -> int | None:
    found = re.search(r'class="count">(\d+)<', html)
    return int(found.group(1)) if found else None


CALLERS = ("anonymous", "non_party", "party", "auditor", "admin", "break_glass")


def who(told: dict[str, str], caller: str) -> str | None:
    return {
        "anonymous": None,
        "non_party": told["non_party"],
        "party": told["party"],
        "auditor": "auditor",
        "admin": told["admin"],
        "break_glass": "admin",
    }[caller]


LIST = {"anonymous": 303, "break_glass": 403} | dict.fromkeys(
    ("non_party", "party", "auditor", "admin"), 200
)
#: marking the party's notification read (with the caller's own form token)
MARK = {"anonymous": 303, "break_glass": 403, "non_party": 404, "auditor": 404, "admin": 404}


@pytest.mark.parametrize("caller", CALLERS)
def test_the_list_and_the_bell(api: Api, told: dict[str, str], caller: str) -> None:
    client = browser(api, who(told, caller))
    listed = client.get("/console/notifications")
    assert listed.status_code == LIST[caller], listed.text
    polled = client.get("/console/notifications/bell")
    assert polled.status_code == LIST[caller]
    if caller == "anonymous":
        assert listed.headers["location"].startswith("/console/sign-in")
    if LIST[caller] != 200:
        return
    shown = told["item"] in listed.text
    assert shown == (caller == "party")
    assert bell(listed.text) == (1 if caller == "party" else 0)
    if caller == "party":
        assert f"/console/work/referrals/{told['referral']}" in listed.text
        assert bell(polled.text) == 1


@pytest.mark.parametrize("caller", [c for c in CALLERS if c != "party"])
def test_only_the_official_told_marks_it_read(api: Api, told: dict[str, str], caller: str) -> None:
    client = browser(api, who(told, caller))
    page = client.get("/console/sign-in" if caller == "anonymous" else "/console/work")
    token = csrf_of(page.text) if 'name="csrf"' in page.text else ""
    marked = client.post(f"/console/notifications/{told['item']}/read", data={"csrf": token})
    assert marked.status_code == MARK[caller], marked.text
    assert api.services.notify.unread_count(api.users[told["party"]]) == 1


def test_the_official_marks_it_read_and_the_bell_empties(api: Api, told: dict[str, str]) -> None:
    client = browser(api, told["party"])
    page = client.get("/console/notifications")
    assert bell(page.text) == 1
    refused = client.post(f"/console/notifications/{told['item']}/read", data={"csrf": "x"})
    assert refused.status_code == 403  # a form without this browser's token changes nothing
    marked = client.post(
        f"/console/notifications/{told['item']}/read", data={"csrf": csrf_of(page.text)}
    )
    assert marked.status_code == 303
    after = client.get("/console/notifications")
    assert bell(after.text) == 0 and "已读" in after.text
    assert client.get("/console/notifications?unread=true").text.count(told["item"]) == 0
    again = client.post("/console/notifications/read-all", data={"csrf": csrf_of(after.text)})
    assert again.status_code == 303
