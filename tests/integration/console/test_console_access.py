"""Every console route, for every kind of caller: anonymous (sent to sign-in), an agency that
is not party (the not-found page, never 403), the party, an auditor, an administrator.

:data:`MATRIX` names each route of the console's application once; a route added to the
console without a row here fails :func:`test_every_console_route_is_in_the_matrix`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute

from hub.console.app import PAGES, create_console
from tests.integration.api.conftest import Api
from tests.integration.api.test_poisoned_log import run_views
from tests.integration.console.conftest import Browser
from tests.support.ids import id_number

CALLERS = ("anonymous", "non-party", "party", "auditor", "admin")
SIGN_IN = "/console/sign-in"


@dataclass
class World:
    """A person (registered by the procuratorate ``p``, her ID number known), and a referral
    of hers, on her case, from ``p`` to civil affairs ``ca``: ``ca`` is the party (of the
    referral and the case), ``mi`` is not."""

    person: str
    id_number: str
    referral: str
    case: str  # the procuratorate's case of hers (the audit pages replay it)


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # the console route's template, as the app declares it
    expect: dict[str, int]  # caller -> status
    path: Callable[[World, Api], str] = lambda w, a: ""
    form: Callable[[World, Api, Browser], dict[str, Any]] = lambda w, a, b: {}


def same(status: int) -> dict[str, int]:
    return dict.fromkeys(CALLERS, status)


def signed(status: int, *, anonymous: int = 303, **others: int) -> dict[str, int]:
    found = {c: status for c in CALLERS}
    found.update(anonymous=anonymous, **{k.replace("_", "-"): v for k, v in others.items()})
    return found


AUDIT = signed(403, auditor=200, admin=200)

MATRIX: list[Row] = [
    Row("GET", "/", same(303), lambda w, a: "/console/"),
    Row("GET", "/sign-in", same(200), lambda w, a: SIGN_IN),
    Row(
        "POST",
        "/sign-in",
        same(401),
        lambda w, a: SIGN_IN,
        lambda w, a, b: {"agency": a.ids["ca"], "staff_number": "x", "password": "wrong"},
    ),
    Row("POST", "/sign-out", same(303), lambda w, a: "/console/sign-out"),
    Row("GET", "/sign-in/oidc", same(404), lambda w, a: "/console/sign-in/oidc"),
    Row("GET", "/work", signed(200), lambda w, a: "/console/work"),
    Row(
        "GET",
        "/work/referrals/{referral_id}",
        signed(200, non_party=404),
        lambda w, a: f"/console/work/referrals/{w.referral}",
    ),
    Row(
        "POST",
        "/work/referrals/{referral_id}/{action}",
        signed(303, non_party=404, auditor=403, admin=403),
        lambda w, a: f"/console/work/referrals/{w.referral}/receive",
        lambda w, a, b: {"key": f"matrix-{id(b)}"},
    ),
    Row(
        "GET",
        "/work/new",
        signed(200, non_party=404, auditor=403, admin=403),
        lambda w, a: f"/console/work/new?person={w.person}",
    ),
    Row(
        "POST",
        "/work/new/lookup",
        signed(303, non_party=404, auditor=403, admin=403),
        lambda w, a: "/console/work/new/lookup",
        lambda w, a, b: {"id_number": w.id_number},
    ),
    Row(
        "POST",
        "/work/new",
        signed(303, non_party=404, auditor=403, admin=403),
        lambda w, a: "/console/work/new",
        lambda w, a, b: {
            "key": f"matrix-new-{id(b)}",
            "person": w.person,
            "recipient": a.ids["mi"],
            "service": "medical-aid",
            "reason": "转介医疗救助",
        },
    ),
    Row("GET", "/static", same(200), lambda w, a: "/console/static/console.css"),
    # the Cases pages: the list for procuratorates (their own cases; tested in
    # test_case_pages.py), auditors and administrators: another agency handles no case and is
    # told "not allowed", as its nav does not offer it (test_console_nav.py); the case file and
    # the lookup for its parties (the referral makes ``ca`` one)
    Row("GET", "/cases", signed(403, auditor=200, admin=200), lambda w, a: "/console/cases"),
    Row(
        "GET",
        "/cases/{case_id}",
        signed(200, non_party=404),
        lambda w, a: f"/console/cases/{w.case}",
    ),
    Row(
        "POST",
        "/cases/lookup",
        signed(200, non_party=404),
        lambda w, a: "/console/cases/lookup",
        lambda w, a, b: {"id_number": w.id_number},
    ),
    # the audit pages: auditors and administrators; any agency's official, party or not, is
    # told "not allowed" (as the API's audit routes answer 403)
    Row("GET", "/audit", AUDIT, lambda w, a: "/console/audit"),
    Row("GET", "/audit/cases/{case_id}", AUDIT, lambda w, a: f"/console/audit/cases/{w.case}"),
    Row(
        "GET",
        "/audit/cases/{case_id}/report.pdf",
        AUDIT,
        lambda w, a: f"/console/audit/cases/{w.case}/report.pdf",
    ),
    Row(
        "GET",
        "/audit/cases/{case_id}/replay.jsonl",
        AUDIT,
        lambda w, a: f"/console/audit/cases/{w.case}/replay.jsonl?day=0",
    ),
    Row("GET", "/audit/access-log", AUDIT, lambda w, a: "/console/audit/access-log"),
    # the dashboards: an agency reads its own region and those below it (everyone here is in
    # 659001); tests/integration/api/test_dashboard_pages.py holds another county's refusal
    Row("GET", "/dashboards", signed(200), lambda w, a: "/console/dashboards?region=659001"),
    Row(
        "GET",
        "/dashboards/export",
        signed(200),
        lambda w, a: "/console/dashboards/export?region=659001&format=csv",
    ),
    Row(
        "GET", "/dashboards/sla", signed(200), lambda w, a: "/console/dashboards/sla?region=659001"
    ),
    Row(
        "GET",
        "/dashboards/mechanisms/{mechanism_id}",
        signed(404),
        lambda w, a: "/console/dashboards/mechanisms/00000000-0000-4000-8000-000000000000",
    ),
    # the bell and the list: every official's own (another's notification is not found; the
    # list's own page, tests/integration/console/test_notification_pages.py, shows whose)
    Row("GET", "/notifications", signed(200), lambda w, a: "/console/notifications"),
    Row("GET", "/notifications/bell", signed(200), lambda w, a: "/console/notifications/bell"),
    Row(
        "POST",
        "/notifications/read-all",
        signed(303),
        lambda w, a: "/console/notifications/read-all",
    ),
    Row(
        "POST",
        "/notifications/{item_id}/read",
        signed(404),
        lambda w, a: "/console/notifications/nobodys-notification/read",
    ),
]


def world(api: Api) -> World:
    number = id_number()
    person = str(api.ok("p", "/persons", {"id_number": number, "name": "矩阵当事人"})["id"])
    api.ok("p", f"/persons/{person}/consent", api.consent_to_all())
    case = api.case("p", person)
    referral = api.referral("p", "ca", person_id=person, case_id=case)
    return World(person, number, referral, case)


@pytest.fixture(scope="module")
def callers(browser: Any) -> dict[str, Browser]:
    """One signed-in browser per kind of caller, kept for the module (sign-out makes its own)."""
    return {who: caller(browser, who) for who in CALLERS}


def caller(browser: Any, who: str) -> Browser:
    agency, role = {
        "anonymous": (None, ""),
        "non-party": ("mi", "caseworker"),
        "party": ("ca", "caseworker"),
        "auditor": ("p", "auditor"),
        "admin": ("p", "admin"),
    }[who]
    b: Browser = browser(agency, role) if agency else browser()
    return b


def test_every_console_route_is_in_the_matrix(api: Api) -> None:
    create_console(api.services)  # builds: every page module is one of PAGES
    declared = {
        (method, route.path)
        for module in PAGES
        for route in module.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    declared |= {("GET", "/static")}  # the mounted static files
    listed = {(row.method, row.route) for row in MATRIX}
    assert declared == listed


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method} {r.route}")
def test_each_caller_gets_what_the_matrix_says(
    api: Api, browser: Any, callers: dict[str, Browser], row: Row, who: str
) -> None:
    w = world(api)
    if row.route == "/work":
        run_views(api, seconds=30)  # the inbox is the referrals view's
    b = caller(browser, who) if row.route == "/sign-out" else callers[who]
    b.get(SIGN_IN if who == "anonymous" else "/console/work")  # a page's CSRF token
    path = row.path(w, api)
    if row.method == "GET":
        answer = b.get(path)
    else:
        answer = b.post(path, row.form(w, api, b))
    assert answer.status_code == row.expect[who], (who, path, answer.text[:500])
    if answer.status_code == 303 and who == "anonymous" and row.route not in ("/", "/sign-out"):
        assert answer.headers["location"].startswith(SIGN_IN)
    if answer.status_code == 404:  # the console's page, the same as for a missing one
        assert any(
            text in answer.text
            for text in ("没有找到该页面或记录", "未找到可由本单位转介", "未找到本单位可查阅")
        )
