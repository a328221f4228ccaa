"""Consent: scoped to agencies and services, taken by an agency, withdrawn one by one.

No referral without a live consent naming the recipient (or its kind) for every service asked,
or a recorded legal basis and who invoked it; the referral records which. A withdrawal refuses
new referrals under that consent, flags the open ones for their requester (``basis_lost``),
and leaves their recipients what had already been disclosed, nothing recorded after it.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from hub.demo.driver import Driver
from tests.support.ids import numbered

P, INVOLVED, NEW = "同意测试县人民检察院", "同意测试县民政局", "同意测试县医疗保障局"
SERVICE = {INVOLVED: "temporary-aid", NEW: "medical-aid"}
IDS = (numbered(n) for n in itertools.count(11))


@pytest.fixture(scope="module")
def network(driver: Driver) -> Driver:
    region = {"level": "county", "region_code": "659001"}
    driver.register(P, kind="procuratorate", services=["judicial-relief"], **region)
    services = [SERVICE[INVOLVED], "minimum-living-allowance"]
    driver.register(INVOLVED, kind="civil-affairs", services=services, **region)
    driver.register(NEW, kind="medical-insurance", services=[SERVICE[NEW]], **region)
    return driver


def register(d: Driver, **details: Any) -> str:
    body = {"id_number": next(IDS), "name": "同意测试当事人", **details}
    return str(d.post(P, "/persons", body)["id"])


def refer(d: Driver, recipient: str, person_id: str, **extra: Any) -> Any:
    body = {
        "recipient_id": d.id(recipient),
        "person_id": person_id,
        "reason": "生活困难",
        "services": [SERVICE[recipient]],
        "on_behalf_of": "承办检察官",
        **extra,
    }
    return d.client.post("/referrals", json=body, headers=d._headers(d.tokens[P]))


def consent(d: Driver, person_id: str, body: dict[str, Any], who: str = P) -> Any:
    full = {"evidence": "written", "on_behalf_of": "承办人", **body}
    return d.client.post(
        f"/persons/{person_id}/consent", json=full, headers=d._headers(d.tokens[who])
    )


def withdraw(d: Driver, person_id: str, **body: Any) -> Any:
    full = {"on_behalf_of": "承办人", "reason": "本人撤回", **body}
    return d.post(P, f"/persons/{person_id}/consent/withdraw", full)


def assert_consent_required(answer: Any) -> None:
    assert answer.status_code == 422, answer.text
    assert answer.json()["type"] == "/problems/consent-required"


def test_no_consent_and_no_legal_basis_is_refused(network: Driver) -> None:
    person_id = register(network)
    assert_consent_required(refer(network, INVOLVED, person_id))
    # a legal basis needs who invoked it, and blanks stand for nothing
    assert_consent_required(refer(network, INVOLVED, person_id, legal_basis="细则第五条"))
    blank = refer(network, INVOLVED, person_id, legal_basis=" ", invoked_by=" ")
    assert blank.status_code == 422, blank.text


def test_a_recorded_legal_basis_stands_in_for_consent(network: Driver) -> None:
    person_id = register(network)
    answer = refer(
        network, INVOLVED, person_id, legal_basis="细则第五条：协调社会救助", invoked_by="检察长"
    )
    assert answer.status_code == 201, answer.text
    referral = network.get(INVOLVED, f"/referrals/{answer.json()['id']}")
    assert referral["consent"] is False and referral["consent_id"] is None
    assert (referral["legal_basis"], referral["invoked_by"]) == (
        "细则第五条：协调社会救助",
        "检察长",
    )


def test_a_consent_opens_only_the_agencies_and_services_it_names(network: Driver) -> None:
    person_id = register(network)
    named = consent(
        network, person_id, {"to_agencies": [network.id(INVOLVED)], "services": ["temporary-aid"]}
    )
    assert named.status_code == 200, named.text
    consent_id = named.json()["consent_id"]
    assert_consent_required(refer(network, NEW, person_id))  # not named
    assert_consent_required(
        refer(network, INVOLVED, person_id, services=["temporary-aid", "minimum-living-allowance"])
    )
    first = refer(network, INVOLVED, person_id)
    assert first.status_code == 201, first.text
    referral = network.get(P, f"/referrals/{first.json()['id']}")
    assert (referral["consent"], referral["consent_id"]) == (True, consent_id)
    # by kind: any medical insurance bureau, for medical aid
    by_kind = consent(
        network, person_id, {"to_kinds": ["medical-insurance"], "services": ["medical-aid"]}
    )
    assert by_kind.status_code == 200, by_kind.text
    assert refer(network, NEW, person_id).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"services": ["temporary-aid"]},  # names no agency
        {"to_kinds": ["civil-affairs"], "services": []},
        {"to_kinds": ["civil-affairs"], "services": ["temporary-aid"], "evidence": "oral"},
        {"to_kinds": ["civil-affairs"], "services": ["temporary-aid"], "given_by": "guardian"},
        {
            "to_kinds": ["civil-affairs"],
            "services": ["temporary-aid"],
            "valid_from": "2026-05-01",
            "valid_until": "2026-04-01",
        },
        {"disclose": True, "services": True},  # the old, unscoped form
    ],
)
def test_a_consent_without_scope_giver_or_evidence_is_refused(
    network: Driver, body: dict[str, Any]
) -> None:
    person_id = register(network)
    answer = consent(network, person_id, body)
    assert answer.status_code == 422, answer.text
    assert network.get(P, f"/persons/{person_id}/consents") == []


def test_a_guardian_or_an_oral_consent_before_a_witness(network: Driver) -> None:
    person_id = register(network)
    body = {
        "to_kinds": ["civil-affairs"],
        "services": ["temporary-aid"],
        "given_by": "guardian",
        "giver_name": "母亲",
        "relation": "监护人",
        "evidence": "oral",
        "witness": "村委会主任",
        "valid_until": "2099-12-31",
    }
    assert consent(network, person_id, body).status_code == 200
    (recorded,) = network.get(P, f"/persons/{person_id}/consents")
    assert recorded["given_by"] == "guardian" and recorded["evidence"] == "oral"
    assert recorded["taken_by"] == network.id(P) and recorded["live"] is True
    assert refer(network, INVOLVED, person_id).status_code == 201


def test_a_consent_not_yet_valid_or_expired_opens_nothing(network: Driver) -> None:
    person_id = register(network)
    body = {"to_kinds": ["civil-affairs"], "services": ["temporary-aid"]}
    assert consent(network, person_id, {**body, "valid_from": "2099-01-01"}).status_code == 200
    assert_consent_required(refer(network, INVOLVED, person_id))
    assert (
        consent(
            network, person_id, {**body, "valid_from": "2020-01-01", "valid_until": "2020-12-31"}
        ).status_code
        == 200
    )
    assert_consent_required(refer(network, INVOLVED, person_id))
    # a referral dated within the old consent's time relies on it
    assert (
        refer(
            network, INVOLVED, person_id, requested_on="2020-06-01", backdate_reason="补录"
        ).status_code
        == 201
    )


def test_withdrawal_refuses_new_referrals_flags_open_ones_and_keeps_what_was_disclosed(
    network: Driver,
) -> None:
    person_id = register(network, health="糖尿病", family="单亲家庭", contact="13900000000")
    to_both = {
        "to_kinds": ["civil-affairs", "medical-insurance"],
        "services": ["temporary-aid", "medical-aid"],
    }
    consent_id = consent(network, person_id, to_both).json()["consent_id"]
    first = refer(network, INVOLVED, person_id)
    assert first.status_code == 201, first.text
    referral_id = first.json()["id"]
    assert network.get(P, f"/referrals/{referral_id}")["basis_lost"] is False
    seen_before = network.get(INVOLVED, f"/persons/{person_id}")

    withdraw(network, person_id, consent_id=consent_id)
    assert network.get(P, f"/persons/{person_id}")["has_consent"] is False
    assert_consent_required(refer(network, NEW, person_id))
    # the requester sees which of its referrals lost their basis, in the referral and its outbox
    assert network.get(P, f"/referrals/{referral_id}")["basis_lost"] is True
    outbox = network.get(P, f"/agencies/{network.id(P)}/referrals?box=outbox")
    assert {r["id"] for r in outbox if r["basis_lost"]} >= {referral_id}
    # the agency already involved still reads its referral and answers it
    assert network.get(INVOLVED, f"/referrals/{referral_id}")["status"] == "requested"
    network.answer(INVOLVED, referral_id, "receive")
    # it keeps what had been disclosed, and nothing the requester records after the withdrawal
    network.post(
        P,
        "/persons",
        {
            "id_number": _id_number_of(network, person_id),
            "name": "同意测试当事人",
            "family": "新情况",
        },
    )
    seen_after = network.get(INVOLVED, f"/persons/{person_id}")
    assert seen_after == {**seen_before, "has_consent": False}
    assert seen_before["family"] == "单亲家庭" and "health" not in seen_before
    # the agency never involved is no party: it cannot read the person
    refused = network.client.get(
        f"/persons/{person_id}", headers={"Authorization": f"Bearer {network.tokens[NEW]}"}
    )
    assert refused.status_code == 404
    assert "同意测试当事人" not in refused.text


def test_a_new_consent_after_a_withdrawal_opens_again(network: Driver) -> None:
    person_id = register(network)
    body = {"to_kinds": ["civil-affairs"], "services": ["temporary-aid"]}
    consent(network, person_id, body)
    withdraw(network, person_id)  # every live consent the agency sees
    assert_consent_required(refer(network, INVOLVED, person_id))
    again = consent(network, person_id, body).json()["consent_id"]
    answer = refer(network, INVOLVED, person_id)
    assert answer.status_code == 201
    assert network.get(P, f"/referrals/{answer.json()['id']}")["consent_id"] == again


def _id_number_of(d: Driver, person_id: str) -> str:
    return str(d.get(P, f"/persons/{person_id}")["id_number"])
