"""Every event records the authenticated principal, taken from the credentials, never from
the body: officials by user id, agency, roles and name; connectors and break-glass operators
as such; on each log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tests.integration.api.conftest import Api


def history(api: Api, who: str, path: str) -> list[dict[str, Any]]:
    answer = api.get(who, path)
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def test_a_body_cannot_set_who_acted(api: Api) -> None:
    officer = api.as_official("p", "case_officer", "李承办")
    person = api.person(officer)
    body = {
        "recipient_id": api.ids["ca"],
        "person_id": person,
        "reason": "生活困难",
        "services": ["minimum-living-allowance"],
        "on_behalf_of": "检察长",  # what the caller types is a note, not who acted
    }
    referral = api.ok(officer, "/referrals", body)["id"]
    requested = history(api, officer, f"/referrals/{referral}/history")[0]
    assert requested["by"] == {
        "kind": "user",
        "user_id": api.users[officer],
        "agency_id": api.ids["p"],
        "name": "李承办",
        "roles": ["case_officer"],
    }
    # the recipient's caseworker accepts: the event names her, not the body's actor
    caseworker = api.as_official("ca", "caseworker", "古丽")
    api.ok(caseworker, f"/referrals/{referral}/accept", {"on_behalf_of": "局长"})
    accepted = history(api, officer, f"/referrals/{referral}/history")[-1]
    assert (accepted["by"]["name"], accepted["by"]["roles"]) == ("古丽", ["caseworker"])
    assert accepted["by"]["agency_id"] == api.ids["ca"]


def test_the_case_history_names_each_official(api: Api) -> None:
    officer = api.as_official("p", "case_officer", "王承办")
    case = api.case(officer)
    api.ok(officer, f"/cases/{case}/inquiry", {"on_behalf_of": "someone else", "notes": "走访"})
    entries = history(api, officer, f"/cases/{case}/history")
    assert [e["by"]["name"] for e in entries] == ["王承办", "王承办"]
    assert {e["by"]["user_id"] for e in entries} == {api.users[officer]}


def test_machine_tokens_act_as_connector_or_break_glass(api: Api) -> None:
    referral = api.referral()  # the procuratorate's agency token: a connector's credentials
    entry = history(api, "p", f"/referrals/{referral}/history")[0]
    assert entry["by"]["kind"] == "connector" and entry["by"]["user_id"] is None
    assert entry["by"]["agency_id"] == api.ids["p"]
    agency = {
        "name": "测试县团委",
        "kind": "youth-league",
        "level": "county",
        "region_code": "659001",
        "services": ["student-loan"],
    }
    created = api.ok("admin", "/agencies", agency)["id"]
    registered = api.services.hub.history(UUID(created))[0]
    assert registered["by"]["kind"] == "break-glass" and registered["by"]["roles"] == ["admin"]
