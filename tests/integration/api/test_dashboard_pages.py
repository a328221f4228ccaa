"""The console's dashboard pages (on both logs): a region's dashboard with drill-down and
export, the SLA board and a mechanism's page, for every kind of caller, read through the
API's rules (an agency its own region and those below it)."""

from __future__ import annotations

from typing import Any

import pytest

from projections import worker
from tests.integration.api.conftest import Api

PAGES = {
    "region": "/console/dashboards?region=659001",
    "xinjiang": "/console/dashboards?region=65",
    "export_csv": "/console/dashboards/export?region=659001&format=csv",
    "export_xlsx": "/console/dashboards/export?region=659001&format=xlsx",
    "sla": "/console/dashboards/sla?region=659001",
    "mechanism": "/console/dashboards/mechanisms/{mechanism}",
}


@pytest.fixture(scope="module")
def world(api: Api) -> dict[str, Any]:
    body = {
        "name": "看板测试衔接机制",
        "region_code": "659001",
        "lead_agency_id": api.ids["p"],
        "signed_on": "2022-01-10",
        "members": [
            {"agency_id": api.ids["p"], "responsibility": "牵头"},
            {"agency_id": api.ids["ca"], "responsibility": "临时救助"},
        ],
    }
    mechanism = api.ok("admin", "/mechanisms", body)["id"]
    referral = api.referral("p", "ca")
    api.ok("ca", f"/referrals/{referral}/accept", {})
    grant = {
        "kind": "allowance",
        "amount_fen": 123_456,
        "provider": "民政局",
        "description": "临时",
    }
    outcome = {"successful": True, "provisions": [grant]}
    api.ok("ca", f"/referrals/{referral}/complete", {"outcome": outcome})
    worker.rebuild(api.services.hub, api.services.views, "dashboard")
    worker.rebuild(api.services.hub, api.services.views, "referrals")
    worker.rebuild(api.services.hub, api.services.views, "case_files")
    worker.rebuild(api.services.hub, api.services.views, "fall_through")
    return {
        "mechanism": mechanism,
        "tokens": {
            "party": api.tokens[api.as_official("p", "case_officer", "看板承办人")],
            "non-party": api.tokens[api.as_official("out", "case_officer", "外县承办人")],
            "auditor": api.tokens["auditor"],
            "admin": api.tokens["admin"],
        },
    }


def page(api: Api, token: str | None, path: str) -> Any:
    headers = {"Cookie": f"hub_console={token}"} if token else {}
    return api.client.get(path, headers=headers, follow_redirects=False)


#: caller → page → status: an agency reads its own region and below (and the mechanisms it is
#: a member of); another county's agency is not allowed; anonymous callers go to sign in
MATRIX = {
    "anonymous": dict.fromkeys(PAGES, 303),
    "party": {**dict.fromkeys(PAGES, 200), "xinjiang": 403},
    "non-party": {**dict.fromkeys(PAGES, 403)},
    "auditor": dict.fromkeys(PAGES, 200),
    "admin": dict.fromkeys(PAGES, 200),
}


@pytest.mark.parametrize("caller", list(MATRIX))
def test_dashboard_pages_access(api: Api, world: dict[str, Any], caller: str) -> None:
    token = world["tokens"].get(caller)
    got = {name: page(api, token, path.format(**world)).status_code for name, path in PAGES.items()}
    assert got == MATRIX[caller]


def test_the_dashboard_page_shows_tables_drill_down_and_export(
    api: Api, world: dict[str, Any]
) -> None:
    auditor = world["tokens"]["auditor"]
    html = page(api, auditor, "/console/dashboards?region=6590").text
    assert "自治区直辖县级行政区划" in html and "救助人数" in html
    assert 'href="?region=659001&amp;from=' in html  # drill down to 石河子市
    assert "/console/dashboards/export?region=6590" in html
    assert "<caption>" in html and "style=" not in html and "<script>" not in html
    county = page(api, auditor, "/console/dashboards?region=659001").text
    assert "石河子市" in county and "?region=6590&amp;from=" in county  # one level up
    english = page(api, auditor, "/console/dashboards?region=659001&lang=en").text
    assert "People helped" in english
    csv = page(api, auditor, "/console/dashboards/export?region=659001&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "救助人数" in csv.content.decode("utf-8-sig")
    mechanism = page(api, auditor, f"/console/dashboards/mechanisms/{world['mechanism']}").text
    assert "看板测试衔接机制" in mechanism and "测试县民政局" in mechanism
    sla = page(api, world["tokens"]["party"], "/console/dashboards/sla").text
    assert "超期预警" in sla
