"""Who may call the notification routes: each official their own list and preferences, an
administrator the failed messages; every route for every kind of caller.

Callers: anonymous; an agency's machine token (``ca``: a staff token is no official); the
official the notification is for (party: a caseworker of the recipient agency); an official
of an agency not party to the referral (``out``); an auditor; an administrator official; the
break-glass administrator token.
"""

from __future__ import annotations

from typing import Any

import pytest

from hub.notify.notifier import Notifier
from tests.integration.api.conftest import Api, assert_problem


@pytest.fixture(scope="module")
def told(api: Api) -> dict[str, str]:
    """A referral from ``p`` to ``ca``, whose caseworker is told; returns the callers."""
    callers = {
        "party": api.as_official("ca", "caseworker"),
        "non_party": api.as_official("out", "case_officer"),
        "admin_official": api.as_official("p", "admin"),
    }
    referral = api.referral("p", "ca")
    notifier = Notifier(api.services.hub, api.services.notify, channels={}, base_url="http://c")
    notifier.apply(list(api.services.hub.recorder.select_notifications(1, 100_000)))
    party_user = api.users[callers["party"]]
    items = api.services.notify.items_of(party_user)
    assert [i.params["referral_id"] for i in items] == [referral]
    callers["item"] = items[0].id
    return callers


CALLERS = ("anonymous", "machine", "party", "non_party", "auditor", "admin_official", "admin")


def who(api: Api, told: dict[str, str], caller: str) -> str | None:
    return {
        "anonymous": None,
        "machine": "ca",
        "party": told["party"],
        "non_party": told["non_party"],
        "auditor": "auditor",
        "admin_official": told["admin_official"],
        "admin": "admin",
    }[caller]


PREFS = {"triggers": ["referral-arrived"], "channels": ["email"], "email": "x@test.gov.cn"}

#: route -> caller -> status
OFFICIAL = {
    "anonymous": 401,
    "machine": 403,
    "party": 200,
    "non_party": 200,
    "auditor": 200,
    "admin_official": 200,
    "admin": 403,
}
MARK = OFFICIAL | {"non_party": 404, "auditor": 404, "admin_official": 404}
ADMIN = dict.fromkeys(CALLERS, 403) | {"anonymous": 401, "admin_official": 200, "admin": 200}
ADMIN_ONE = ADMIN | {"admin_official": 404, "admin": 404}


def call(api: Api, caller: str | None, route: str, item: str) -> Any:
    if route == "list":
        return api.get(caller, "/notifications")
    if route == "prefs":
        return api.get(caller, "/notifications/preferences")
    if route == "set_prefs":
        return api.post(caller, "/notifications/preferences", PREFS)
    if route == "mark":
        return api.post(caller, f"/notifications/{item}/read")
    if route == "mark_all":
        return api.post(caller, "/notifications/read-all")
    if route == "failed":
        return api.get(caller, "/notifications/failed")
    if route == "retry_all":
        return api.post(caller, "/notifications/failed/retry")
    return api.post(caller, "/notifications/failed/nope/retry")


EXPECTED = {
    "list": OFFICIAL,
    "prefs": OFFICIAL,
    "set_prefs": OFFICIAL,
    "mark": MARK,
    "mark_all": OFFICIAL,
    "failed": ADMIN,
    "retry_all": ADMIN,
    "retry_one": ADMIN_ONE,
}


#: the party's own marking changes the list: the next test does it, after reading it
CELLS = [
    (route, caller)
    for route in EXPECTED
    for caller in CALLERS
    if not (route in ("mark", "mark_all") and caller == "party")
]


@pytest.mark.parametrize(("route", "caller"), CELLS)
def test_notification_routes_access(
    api: Api, told: dict[str, str], route: str, caller: str
) -> None:
    answer = call(api, who(api, told, caller), route, told["item"])
    expected = EXPECTED[route][caller]
    if expected >= 400:
        rule = {401: "unauthorized", 403: "forbidden", 404: "not-found"}[expected]
        assert_problem(answer, expected, rule)
    else:
        assert answer.status_code == expected, answer.text


def test_only_the_official_told_sees_and_marks_the_notification(
    api: Api, told: dict[str, str]
) -> None:
    party = told["party"]
    mine = api.get(party, "/notifications").json()
    assert mine["unread"] == 1 and mine["data"][0]["id"] == told["item"]
    assert mine["data"][0]["link"].startswith("http://")
    assert "/console/work/referrals/" in mine["data"][0]["link"]
    for other in ("non_party", "admin_official"):
        assert api.get(told[other], "/notifications").json()["data"] == []
    assert api.get("auditor", "/notifications").json()["data"] == []
    marked = api.post(party, f"/notifications/{told['item']}/read")
    assert marked.status_code == 200 and marked.json() == {"marked": 1}
    assert api.post(party, "/notifications/read-all").json() == {"marked": 0}
    after = api.get(party, "/notifications").json()
    assert after["unread"] == 0 and after["data"][0]["read"] is True
    assert api.get(party, "/notifications?unread=true").json()["data"] == []


def test_preferences_are_ones_own_and_checked(api: Api, told: dict[str, str]) -> None:
    party = told["party"]
    assert api.get(party, "/notifications/preferences").json()["lang"] == "zh"
    bad = api.post(party, "/notifications/preferences", {**PREFS, "email": "not an address"})
    assert bad.status_code == 422
    bad = api.post(party, "/notifications/preferences", {**PREFS, "triggers": ["everything"]})
    assert bad.status_code == 422
    quiet = {"start": "22:00", "end": "07:00"}
    chosen = {**PREFS, "lang": "en", "quiet_hours": quiet}
    assert api.post(party, "/notifications/preferences", chosen).status_code == 200
    mine = api.get(party, "/notifications/preferences").json()
    assert mine["lang"] == "en" and mine["quiet_hours"] == quiet
    assert api.get(told["non_party"], "/notifications/preferences").json()["lang"] == "zh"
    # the list now speaks English to them
    assert api.get(party, "/notifications").json()["data"][0]["subject"].startswith("[Referral")
