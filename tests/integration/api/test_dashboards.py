"""Dashboards over HTTP (on both logs): a region's figures as JSON, CSV and XLSX, the default
period, bad requests as problems, and a linkage mechanism's page for its members."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from projections import worker
from tests.integration.api.conftest import Api, assert_problem


def rebuilt(api: Api) -> None:
    worker.rebuild(api.services.hub, api.services.views, "dashboard")


def helped_once(api: Api) -> str:
    """A referral from ``p`` to ``ca`` completed with a 3,000.00 yuan grant."""
    referral = api.referral("p", "ca")
    api.ok("ca", f"/referrals/{referral}/accept", {})
    grant = {
        "kind": "allowance",
        "amount_fen": 300_000,
        "provider": "民政局",
        "description": "临时救助",
    }
    outcome = {"successful": True, "provisions": [grant]}
    api.ok("ca", f"/referrals/{referral}/complete", {"outcome": outcome})
    return referral


def test_a_region_dashboard_in_json_csv_and_xlsx(api: Api) -> None:
    helped_once(api)
    api.referral("p", "mi")  # left unanswered
    rebuilt(api)
    today = api.services.hub.today()
    assert_problem(api.get("p", "/views/dashboard/6590"), 403, "forbidden")  # above its county
    answer = api.get("auditor", "/views/dashboard/6590")
    assert answer.status_code == 200, answer.text
    board = answer.json()
    # the 365 days up to today by default
    assert (board["from"], board["to"]) == (
        (today - timedelta(days=364)).isoformat(),
        today.isoformat(),
    )
    assert board["region"] == {
        "code": "6590",
        "name": "自治区直辖县级行政区划",
        "parent": {"code": "65", "name": "新疆维吾尔自治区"},
    }
    assert board["people_helped"] >= 1
    assert board["referrals"]["by_status"]["completed"] >= 1
    assert board["referrals"]["by_status"]["requested"] >= 1
    assert board["amounts"]["social"]["by_kind"]["allowance"] >= 300_000
    assert [s["name"] for s in board["subregions"]] == ["石河子市"]
    assert board["freshness"]["view"] == "dashboard"
    county = api.get("p", "/views/dashboard/659001").json()
    assert county["subregions"] == [] and county["people_helped"] == board["people_helped"]

    exported = api.get("auditor", "/views/dashboard/6590/export?format=csv")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    text = exported.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["概况"] and rows[1] == ["指标", "数值"]
    assert ["救助人数", str(board["people_helped"])] in rows
    header = rows.index(["分地区"]) + 1
    assert rows[header][:3] == ["区划代码", "地区", "救助人数"]
    assert rows[header + 1][:2] == ["659001", "石河子市"]
    grants = next(r for r in rows if r[:2] == ["社会救助", "救助金、补助"])
    assert grants[2] == f"{board['amounts']['social']['by_kind']['allowance'] / 100:.2f}"

    xlsx = api.get("auditor", "/views/dashboard/6590/export?format=xlsx&lang=en")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[:2] == ["Summary", "By sub-region"]
    sheet = book["By sub-region"]
    assert [c.value for c in sheet[1]][:3] == ["Region code", "Region", "People helped"]
    amounts = book["Amounts"]
    grant_row = next(r for r in amounts.iter_rows(values_only=True) if r[1] == "Allowance")
    assert float(grant_row[2]) == board["amounts"]["social"]["by_kind"]["allowance"] / 100


def test_bad_dashboard_requests_are_problems(api: Api) -> None:
    rebuilt(api)
    assert_problem(
        api.get("p", "/views/dashboard/65?from=2025-02-01&to=2025-01-01"), 422, "validation"
    )
    assert api.get("p", "/views/dashboard/6a").status_code == 422
    for bad in ("from=2025-02-30", "to=0", "from=1900-01-01"):
        assert_problem(api.get("p", f"/views/dashboard/659001?{bad}"), 422, "validation")
    assert api.get("p", "/views/dashboard/659001/export?format=pdf").status_code == 422
    assert_problem(api.get("out", "/views/dashboard/659001"), 403, "forbidden")
    assert api.get("out", "/views/dashboard/659002").status_code == 200


def test_a_mechanism_page_for_its_members(api: Api) -> None:
    body = {
        "name": "跨县衔接机制",
        "region_code": "659001",
        "lead_agency_id": api.ids["p"],
        "signed_on": "2022-01-10",
        "members": [
            {"agency_id": api.ids["p"], "responsibility": "牵头"},
            {"agency_id": api.ids["ca"], "responsibility": "临时救助"},
            {"agency_id": api.ids["out"], "responsibility": "协作"},
        ],
    }
    mechanism = api.ok("admin", "/mechanisms", body)["id"]
    helped_once(api)
    rebuilt(api)
    # another county's procuratorate reads it as a member, not by its region
    answer = api.get("out", f"/views/mechanisms/{mechanism}")
    assert answer.status_code == 200, answer.text
    page = answer.json()
    members = {m["id"]: m for m in page["members"]}
    assert set(members) == {api.ids["p"], api.ids["ca"], api.ids["out"]}
    assert page["referrals"] >= 1
    assert members[api.ids["ca"]]["received"] >= 1
    assert members[api.ids["ca"]]["answered"] == members[api.ids["ca"]]["received"]
    assert members[api.ids["ca"]]["hours_to_first_answer"]["median"] is not None
    assert members[api.ids["p"]]["sent"] == page["referrals"]
    assert api.get("p", "/views/mechanisms/00000000-0000-4000-8000-000000000000").status_code == 404
