"""The Cases pages without a browser: the list is ``GET /cases``'s (its filters, the deadline
badge), the case file shows the procedure's steps done and to come, the amount against its
cap, who proposed and approved, the referrals and the combined aid as far as the reader may
see; the lookup by ID number records the read; a non-party reads the not-found page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.integration.api.conftest import WAGE, WAGE_BASIS, Api
from tests.support.ids import id_number

KEY_LEFT = re.compile(r"\b(cases|stage|source|meeting|decision)\.[a-z_]+")


@pytest.fixture(scope="module")
def granted(api: Api) -> dict[str, Any]:
    """A case of ``p``'s granted 2,000 yuan by named officials, with a referral to ``ca``
    completed with 500 yuan."""
    number = id_number()
    person = str(api.ok("p", "/persons", {"id_number": number, "name": "案件页当事人"})["id"])
    api.ok("p", f"/persons/{person}/consent", api.consent_to_all())
    case_id = api.case("p", person)
    officer = api.as_official("p", "case_officer", "承办检察官甲")
    head = api.as_official("p", "department_head", "部门负责人乙")
    for who, step, body in [
        ("p", "inquiry", {"on_behalf_of": "承办人", "notes": "询问"}),
        ("p", "review", {"situation": "serious-injury-unpaid", "notes": "符合"}),
        (officer, "submission", {"proposed_fen": 200_000}),
        (head, "approval", {"approved": True}),
        ("p", "grant", {"amount_fen": 200_000, **WAGE_BASIS}),
    ]:
        api.ok(who, f"/cases/{case_id}/{step}", body)
    referral = api.referral("p", "ca", person_id=person, case_id=case_id)
    for action in ("accept", "start"):
        api.ok("ca", f"/referrals/{referral}/{action}", {})
    provision = {
        "kind": "money",
        "amount_fen": 50_000,
        "provider": "测试县民政局",
        "description": "",
    }
    outcome = {"successful": True, "reason": None, "provisions": [provision]}
    api.ok("ca", f"/referrals/{referral}/complete", {"outcome": outcome})
    return {"case": case_id, "person": person, "number": number, "referral": referral}


def test_the_list_is_the_apis_with_stage_and_officer_filters(
    browser: Any, api: Api, granted: dict[str, Any]
) -> None:
    waiting = api.case("p")
    b = browser("p", "case_officer")
    page = b.get("/console/cases").text
    assert f"/console/cases/{granted['case']}" in page and f"/console/cases/{waiting}" in page
    assert "决定救助" in page and "2,000.00 元" in page
    assert "badge-green" in page  # the undecided case's decision deadline, received today
    only = b.get("/console/cases?stage=granted").text
    assert granted["case"] in only and waiting not in only
    api_ids = {c["id"] for c in api.get("p", "/cases?stage=granted&limit=200").json()["items"]}
    assert set(re.findall(r"/console/cases/([0-9a-f-]{36})", only)) <= api_ids
    by_officer = b.get("/console/cases", params={"officer": "承办检察官甲"}).text
    assert granted["case"] in by_officer and waiting not in by_officer
    assert "承办检察官甲" in by_officer
    due = api.get("p", "/cases?limit=200").json()["items"]
    deadline = next(c["decision_due_on"] for c in due if c["id"] == waiting)
    by_deadline = b.get("/console/cases", params={"due_before": deadline}).text
    assert waiting in by_deadline and granted["case"] not in by_deadline  # decided: none
    # an agency lists only its own: civil affairs handles no case, and has no list
    refused = browser("ca").get("/console/cases")
    assert refused.status_code == 403 and granted["case"] not in refused.text
    english = browser("p", "case_officer").get("/console/cases?lang=en").text
    assert "Aid cases" in english and "Granted" in english and "Find a person" in english
    assert not KEY_LEFT.search(english), KEY_LEFT.search(english)
    assert not KEY_LEFT.search(page), KEY_LEFT.search(page)


def test_the_case_file_shows_the_procedure_cap_approvals_referrals_and_aid(
    browser: Any, granted: dict[str, Any]
) -> None:
    page = browser("p", "case_officer").get(f"/console/cases/{granted['case']}").text
    steps = re.findall(r'class="step step-(\w+)".*?<strong>([^<]+)</strong>', page, re.S)
    assert steps == [
        ("done", "受理线索"),
        ("done", "询问"),
        ("done", "审查"),
        ("skipped", "听证"),
        ("done", "决定"),
        ("to_come", "发放"),
        ("to_come", "回访"),
        ("to_come", "结案"),
    ]
    cap = 36 * WAGE["monthly_wage_fen"]
    assert "2,000.00 元 / 上限" in page and f"{cap // 100:,}.00 元" in page
    assert "承办检察官甲" in page and "部门负责人乙" in page and "同意" in page
    assert f"/console/work/referrals/{granted['referral']}" in page and "已办结" in page
    assert "测试县民政局" in page and "500.00 元" in page  # the combined aid, by source
    assert not KEY_LEFT.search(page), KEY_LEFT.search(page)
    english = browser("p", "case_officer").get(f"/console/cases/{granted['case']}?lang=en").text
    assert "Case file" in english and "Decision" in english and "to come" in english
    assert not KEY_LEFT.search(english), KEY_LEFT.search(english)


def test_a_non_party_reads_not_found_and_a_party_its_own_part(
    browser: Any, granted: dict[str, Any]
) -> None:
    other = browser("mi").get(f"/console/cases/{granted['case']}")
    assert other.status_code == 404 and "没有找到该页面或记录" in other.text
    made_up = browser("p", "case_officer").get(
        "/console/cases/00000000-0000-4000-8000-000000000000"
    )
    assert made_up.status_code == 404
    party = browser("ca").get(f"/console/cases/{granted['case']}")
    assert party.status_code == 200
    assert "仅显示本单位可查阅的部分" in party.text or "测试县民政局" in party.text


def test_the_lookup_finds_the_person_and_records_the_read(
    browser: Any, api: Api, granted: dict[str, Any]
) -> None:
    b = browser("p", "case_officer")
    b.get("/console/cases")
    found = b.post("/console/cases/lookup", {"id_number": granted["number"]})
    assert found.status_code == 200, found.text
    assert "案件页当事人" in found.text and f"/console/cases/{granted['case']}" in found.text
    log = api.get("auditor", f"/audit/access-log?person_id={granted['person']}").json()
    assert any(e.get("channel") == "console" for e in log), log
    # an agency that may not read her gets what an unknown number gets
    m = browser("mi")
    m.get("/console/cases")
    refused = m.post("/console/cases/lookup", {"id_number": granted["number"]})
    unknown = m.post("/console/cases/lookup", {"id_number": id_number()})
    assert refused.status_code == unknown.status_code == 404
    assert "案件页当事人" not in refused.text
    assert "未找到本单位可查阅的当事人" in refused.text
    assert not KEY_LEFT.search(found.text), KEY_LEFT.search(found.text)
