"""Every event records the authenticated principal, taken from the credentials, never from
the body: officials by user id, agency, roles and name; connectors and break-glass operators
as such; on each log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.integration.api.conftest import Api, assert_problem


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
    for field in ("requested_by", "actor"):
        before = api.log_position()
        named = api.post(officer, "/referrals", {**body, field: "检察长"})
        problem = assert_problem(named, 422, "who-acted-from-credentials")
        assert problem["field"] == field and "credentials" in problem["detail"]
        assert api.log_position() == before
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
    assert (requested["on_behalf_of"], accepted["on_behalf_of"]) == ("检察长", "局长")
    assert "requested_by" not in requested["details"] and "actor" not in accepted["details"]


def named_steps(api: Api, official: str) -> list[tuple[str, dict[str, Any]]]:
    """Each request whose body once named who acted, with that field (and what else it needs)."""
    person = api.person(official)
    case = api.case(official, person)
    referral = api.referral("p", "ca", person)
    ca = api.ids["ca"]
    return [
        ("/referrals", {"recipient_id": ca, "person_id": person, "requested_by": "x"}),
        (f"/referrals/{referral}/receive", {"actor": "x"}),
        (f"/referrals/{referral}/re-refer", {"recipient_id": ca, "reason": "x", "actor": "x"}),
        ("/cases", {"person_id": person, "source": "applicant", "summary": "x", "actor": "x"}),
        (f"/cases/{case}/inquiry", {"officer": "x", "notes": "x"}),
        (f"/cases/{case}/follow-ups", {"officer": "x", "notes": "x"}),
        (f"/persons/{person}/consent", {**api.consent_to_all(), "recorded_by": "x"}),
        (f"/persons/{person}/consent/withdraw", {"recorded_by": "x", "reason": "x"}),
    ]


def test_no_request_names_who_acted(api: Api) -> None:
    """Every body field that once named who acted is refused with the same problem, naming
    the field and saying who acted comes from the credentials; nothing is written."""
    official = api.as_official("p", "case_officer", "赵承办")
    for path, body in named_steps(api, official):
        field = next(f for f in ("actor", "requested_by", "recorded_by", "officer") if f in body)
        before = api.log_position()
        problem = assert_problem(api.post(official, path, body), 422, "who-acted-from-credentials")
        assert problem["field"] == field, path
        assert api.log_position() == before, path
    erase = api.post(
        "admin", f"/persons/{api.person()}/erase", {"legal_basis": "x", "erased_by": "x"}
    )
    assert assert_problem(erase, 422, "who-acted-from-credentials")["field"] == "erased_by"


def test_the_on_behalf_of_note_is_optional_and_bounded(api: Api) -> None:
    official = api.as_official("p", "case_officer", "钱承办")
    case = api.case(official)
    too_long = {"on_behalf_of": "某" * 201, "notes": "询问"}
    assert_problem(api.post(official, f"/cases/{case}/inquiry", too_long), 422, "validation")
    api.ok(official, f"/cases/{case}/inquiry", {"notes": "询问"})
    entry = history(api, official, f"/cases/{case}/history")[-1]
    assert (entry["by"]["name"], entry["on_behalf_of"]) == ("钱承办", None)


@pytest.mark.parametrize("note", [None, "民政局窗口 张某"])
def test_a_connector_that_still_sends_actor_is_heard_for_one_deprecation_period(
    api: Api, note: str | None
) -> None:
    """A connector's machine token may still send ``actor``: it is kept as the note, and who
    acted is the connector. An official may not; nor may both be sent at once."""
    referral = api.referral("p", "ca")
    if note is not None:
        both = {"actor": note, "on_behalf_of": note}
        assert_problem(
            api.post("ca", f"/referrals/{referral}/receive", both),
            422,
            "who-acted-from-credentials",
        )
        api.ok("ca", f"/referrals/{referral}/receive", {"actor": note})
    else:
        api.ok("ca", f"/referrals/{referral}/receive", {})
    received = history(api, "ca", f"/referrals/{referral}/history")[-1]
    assert (received["by"]["kind"], received["by"]["agency_id"]) == ("connector", api.ids["ca"])
    assert received["on_behalf_of"] == note
    caseworker = api.as_official("ca", "caseworker")
    before = api.log_position()
    refused = api.post(caseworker, f"/referrals/{referral}/accept", {"actor": "x"})
    assert assert_problem(refused, 422, "who-acted-from-credentials")["field"] == "actor"
    assert api.log_position() == before


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
