"""Consent: no outbound referral without the person's consent or a recorded legal basis;
withdrawn consent stops disclosure to agencies not yet involved.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from hub.demo.driver import Driver

P, INVOLVED, NEW = "同意测试县人民检察院", "同意测试县民政局", "同意测试县医疗保障局"
SERVICE = {INVOLVED: "temporary-aid", NEW: "medical-aid"}
IDS = (f"6590011990010100{n:02d}" for n in itertools.count(11))  # unchecked digit: fine here


@pytest.fixture(scope="module")
def network(driver: Driver) -> Driver:
    region = {"level": "county", "region_code": "659001"}
    driver.register(P, kind="procuratorate", services=["judicial-relief"], **region)
    driver.register(INVOLVED, kind="civil-affairs", services=[SERVICE[INVOLVED]], **region)
    driver.register(NEW, kind="medical-insurance", services=[SERVICE[NEW]], **region)
    return driver


def register(d: Driver) -> str:
    return str(d.post(P, "/persons", {"id_number": next(IDS), "name": "同意测试当事人"})["id"])


def refer(d: Driver, recipient: str, person_id: str, **extra: Any) -> Any:
    body = {
        "recipient_id": d.id(recipient),
        "person_id": person_id,
        "reason": "生活困难",
        "services": [SERVICE[recipient]],
        "requested_by": "承办检察官",
        **extra,
    }
    return d.client.post("/referrals", json=body, headers=d._headers(d.tokens[P]))


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
    assert referral["consent"] is False
    assert (referral["legal_basis"], referral["invoked_by"]) == (
        "细则第五条：协调社会救助",
        "检察长",
    )


def test_withdrawn_consent_stops_new_disclosure_but_not_the_involved_agency(
    network: Driver,
) -> None:
    person_id = register(network)
    consent = {"disclose": True, "services": True, "recorded_by": "承办人"}
    network.post(P, f"/persons/{person_id}/consent", consent)
    first = refer(network, INVOLVED, person_id)
    assert first.status_code == 201, first.text
    referral_id = first.json()["id"]
    network.post(
        P, f"/persons/{person_id}/consent/withdraw", {"recorded_by": "承办人", "reason": "本人撤回"}
    )
    assert network.get(P, f"/persons/{person_id}")["has_consent"] is False
    assert_consent_required(refer(network, NEW, person_id))
    # the agency already involved still reads its referral (and answers it)
    assert network.get(INVOLVED, f"/referrals/{referral_id}")["status"] == "requested"
    network.answer(INVOLVED, referral_id, "receive")
    # the agency never involved is no party: it cannot read the person
    refused = network.client.get(
        f"/persons/{person_id}", headers={"Authorization": f"Bearer {network.tokens[NEW]}"}
    )
    assert refused.status_code in (403, 404)
    assert "同意测试当事人" not in refused.text
