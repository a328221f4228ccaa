"""The console's navigation shows each official the pages they may use, and only those.

For each kind of official the nav is read from a page, and every entry of every page module
is asked for: those shown answer the page (200), those not shown refuse (403). The nav and the
pages share one rule per entry (:mod:`hub.console.nav`), so the two cannot drift apart.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from hub.console.app import PAGES
from hub.console.nav import NavItem
from tests.integration.api.conftest import Api
from tests.integration.api.test_poisoned_log import run_views

NAV = re.compile(r'<nav aria-label="[^"]*">(.*?)</nav>', re.S)
NAV_LINK = re.compile(r'<a href="/console(/[a-z/-]*)"')

#: who → (agency, official role) and the entries they are shown
SHOWN: dict[str, tuple[tuple[str, str], set[str]]] = {
    "procuratorate": (("p", "case_officer"), {"/work", "/cases", "/dashboards", "/notifications"}),
    "civil affairs": (("ca", "caseworker"), {"/work", "/dashboards", "/notifications"}),
    "enterprise": (("ent", "caseworker"), {"/work", "/dashboards", "/notifications"}),
    "auditor": (
        ("p", "auditor"),
        {"/work", "/cases", "/dashboards", "/audit", "/notifications"},
    ),
    "administrator": (
        ("p", "admin"),
        {"/work", "/cases", "/dashboards", "/audit", "/notifications"},
    ),
}
ENTRIES: list[NavItem] = [item for module in PAGES for item in getattr(module, "NAV", [])]


def nav_of(html: str) -> str:
    found = NAV.search(html)
    return found.group(1) if found else ""


@pytest.fixture(scope="module")
def views(api: Api) -> None:
    """The work queue and the dashboards read the views: built once, for the module."""
    api.referral("p", "ca")
    run_views(api, seconds=30)


def test_every_entry_is_in_the_table() -> None:
    assert {i.path for i in ENTRIES} == set().union(*(shown for _, shown in SHOWN.values()))


@pytest.mark.parametrize("who", SHOWN)
def test_the_nav_shows_what_the_pages_answer(browser: Any, views: None, who: str) -> None:
    (agency, role), shown = SHOWN[who]
    b = browser(agency, role)
    page = b.get("/console/work?region=659001")
    assert page.status_code == 200, page.text
    assert set(NAV_LINK.findall(nav_of(page.text))) == shown
    for item in ENTRIES:
        answer = b.get(f"/console{item.path}?region=659001")
        expected = 200 if item.path in shown else 403
        assert answer.status_code == expected, (who, item.path, answer.text[:300])


def test_the_nav_is_in_english_too(browser: Any, views: None) -> None:
    nav = nav_of(browser("ca", "caseworker").get("/console/work?lang=en").text)
    assert "Cases" not in nav and "Work queue" in nav and "Dashboards" in nav
