"""The console's audit pages: every route for every kind of caller, and what an auditor sees.

Same rules as the JSON audit routes: anonymous callers are sent to sign in; an agency's
officials (party to the case or not) get the "not allowed" page (the API answers 403); auditors
and administrators read. A case replayed on a day of the slider stands as the API's replay on
business dates says; the exports are the API's PDF and JSON Lines; the access log lists reads.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest

from hub.audit.reading import CHINA
from hub.console.security import SESSION_COOKIE
from tests.integration.api.conftest import Api

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def case(api: Api) -> dict[str, Any]:
    """A case received ten days ago, and a referral about it requested today."""
    person = api.person("p")
    received = (datetime.now(CHINA) - timedelta(days=10)).date().isoformat()
    body = {
        "person_id": person,
        "source": "applicant",
        "summary": "被害人家庭生活困难",
        "applicant_relation": "victim",
        "matter_number": "（2021）新刑初0001号",
        "received_on": received,
        "backdate_reason": "补录：纸质卷宗",
    }
    case_id = str(api.ok("p", "/cases", body)["id"])
    referral = api.referral("p", "ca", person_id=person, case_id=case_id)
    return {"id": case_id, "person": person, "referral": referral, "received": received}


def browser(api: Api, who: str | None) -> TestClient:
    """A browser with the console's session cookie of ``who`` (None: signed out)."""
    client = TestClient(api.client.app)
    if who is not None:
        client.cookies.set(SESSION_COOKIE, api.tokens[who], path="/console")
    return client


def routes(case_id: str) -> list[str]:
    base = f"/console/audit/cases/{case_id}"
    return [
        "/console/audit",
        base,
        f"{base}?day=0",
        f"{base}/report.pdf",
        f"{base}/replay.jsonl?day=0",
        "/console/audit/access-log",
    ]


def test_every_route_for_every_caller(api: Api, case: dict[str, Any]) -> None:
    party = api.as_official("p", "case_officer", "承办检察官甲")  # handles the case
    recipient = api.as_official("ca", "caseworker", "民政经办人乙")  # received its referral
    outsider = api.as_official("mi", "caseworker", "医保经办人丙")  # no part in it
    admin = api.as_official("p", "admin", "管理员丁")
    for path in routes(case["id"]):
        anonymous = browser(api, None).get(path, follow_redirects=False)
        assert anonymous.status_code == 303, path
        assert anonymous.headers["location"].startswith("/console/sign-in?next=")
        for who in (party, recipient, outsider):
            refused = browser(api, who).get(path, follow_redirects=False)
            assert refused.status_code == 403, (path, who)
            assert 'type="range"' not in refused.text and "%PDF" not in refused.text
        for who in ("auditor", admin):
            allowed = browser(api, who).get(path, follow_redirects=False)
            assert allowed.status_code == 200, (path, who, allowed.text[:300])
    unknown = browser(api, "auditor").get("/console/audit/cases/" + "0" * 32)
    assert unknown.status_code == 404


def test_the_nav_shows_audit_to_auditors_only(api: Api) -> None:
    auditor = browser(api, "auditor").get("/console/audit").text
    assert 'href="/console/audit"' in auditor
    staff = api.as_official("p", "case_officer", "承办检察官戊")
    assert 'href="/console/audit"' not in browser(api, staff).get("/console/work").text


def test_a_case_as_it_stood_on_a_day_of_the_slider(api: Api, case: dict[str, Any]) -> None:
    auditor = browser(api, "auditor")
    page = auditor.get(f"/console/audit/cases/{case['id']}").text
    assert 'type="range"' in page and 'name="day"' in page and 'max="10"' in page
    assert "测试县人民检察院" in page and "测试县民政局" in page
    assert "受理线索/申请" in page and "发起转介" in page
    assert "通过（" in page and "badge-green" in page
    assert "（2021）新刑初0001号" in page
    first = auditor.get(f"/console/audit/cases/{case['id']}?day=0").text
    assert (
        f'<output id="as-of-day" for="day" data-start="{case["received"]}">{case["received"]}'
        in first
    )
    assert "受理线索/申请" in first and "发起转介" not in first
    # the same as the API's replay on business dates at the end of that day
    as_of = f"{case['received']}T23:59:59+08:00"
    headers = {"Authorization": f"Bearer {api.tokens['auditor']}"}
    replay = api.client.get(
        f"/audit/cases/{case['id']}/replay",
        params={"as_of": as_of, "basis": "business"},
        headers=headers,
    ).json()
    assert [e["event"] for e in replay["events"]] == ["LeadReceived"]
    english = auditor.get(f"/console/audit/cases/{case['id']}?lang=en").text
    assert "lead or application received" in english and "Hash-chain verification" in english


def test_the_exports_are_the_replay(api: Api, case: dict[str, Any]) -> None:
    auditor = browser(api, "auditor")
    pdf = auditor.get(f"/console/audit/cases/{case['id']}/report.pdf?day=0")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf.headers["content-disposition"]
    lines = auditor.get(f"/console/audit/cases/{case['id']}/replay.jsonl").content.splitlines()
    head, *events = (orjson.loads(line) for line in lines)
    assert head["record"] == "case" and head["case_id"] == case["id"]
    assert [e["event"] for e in events] == ["LeadReceived", "Requested"]


def test_the_access_log_lists_reads(api: Api, case: dict[str, Any]) -> None:
    read = api.client.get(
        f"/persons/{case['person']}",
        headers={"Authorization": f"Bearer {api.tokens['auditor']}", "X-Purpose": "audit-check"},
    )
    assert read.status_code == 200
    page = browser(api, "auditor").get("/console/audit/access-log").text
    assert "audit-check" in page and case["person"][:8] in page
    assert "测试当事人" not in page  # the log names whose data was read, never the data
