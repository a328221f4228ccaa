"""The seven scenarios of DOMAIN.md, end to end through the API with each agency's own token.

Each test reads the final state and the history back as the agencies involved (and as an
auditor), and checks what each agency must not see.
"""

from __future__ import annotations

from typing import Any

import pytest

from hub.demo import network as n
from hub.demo.driver import Driver, ScenarioError

CASE_STEPS = [
    "LeadReceived",
    "InquiryRecorded",
    "Reviewed",
    "SubmittedForApproval",
    "MeetingRecorded",  # every grant of the scenarios is 10,000 yuan or more
    "ApprovalDecided",
    "ReliefGranted",
    "ReliefDisbursed",
]


def events(history: list[dict[str, Any]]) -> list[str]:
    return [e["event"] for e in history]


def statuses(history: list[dict[str, Any]]) -> list[str]:
    return ["requested"] + [e["details"]["status"] for e in history[1:] if "status" in e["details"]]


def test_1_xinyuan_mechanism(driver: Driver, scenarios: dict[str, Any]) -> None:
    ids = scenarios["scenario_1_xinyuan_mechanism"]
    mechanism = driver.get(n.XINYUAN_COMMERCE, f"/mechanisms/{ids['mechanism_id']}")
    assert mechanism["lead_agency_id"] == driver.id(n.XINYUAN_PROCURATORATE)
    assert mechanism["region_code"] == "654025"
    members = {m["agency_id"]: m["responsibility"] for m in mechanism["members"]}
    assert len(members) == 10  # the procuratorate and nine departments
    assert "组织爱心企业家" in members[driver.id(n.XINYUAN_COMMERCE)]
    assert mechanism["signed_on"] == "2022-01-10"


def test_2_a_and_ai(driver: Driver, scenarios: dict[str, Any]) -> None:
    p = n.XINYUAN_PROCURATORATE
    for ids in scenarios["scenario_2_a_and_ai"].values():
        case = driver.get(p, f"/cases/{ids['case_id']}")
        assert case["stage"] == "closed"
        assert case["granted_fen"] == case["disbursed_fen"] == 3_000_000
        assert [r["status"] for r in case["referrals"]] == ["completed"]
        assert case["social_aid"][0]["provider"] == n.XINYUAN_DONOR
        history = driver.get(p, f"/cases/{ids['case_id']}/history")
        assert events(history) == [*CASE_STEPS, "FollowUpRecorded", "CaseClosed"]
        aid = driver.get(p, f"/persons/{ids['person_id']}/aid")["totals"]
        assert aid["judicial_disbursed_fen"] == 3_000_000
        assert aid["social_amount_fen"] == 1_000_000
        # The commerce bureau reads the referral it answered, and the person only in part.
        assert driver.get(n.XINYUAN_COMMERCE, f"/referrals/{ids['referral_id']}")["status"] == (
            "completed"
        )
        person = driver.get(n.XINYUAN_COMMERCE, f"/persons/{ids['person_id']}")
        assert person["name"] and "health" not in person and "id_number" not in person


def test_3_zhou(driver: Driver, scenarios: dict[str, Any]) -> None:
    ids = scenarios["scenario_3_zhou"]
    p = n.KUYTUN_PROCURATORATE
    history = driver.get(p, f"/cases/{ids['case_id']}/history")
    assert events(history) == [*CASE_STEPS[:3], "HearingHeld", *CASE_STEPS[3:]]
    step = {e["event"]: e for e in history}
    assert len(step["HearingHeld"]["details"]["officers"]) == 3
    chief = driver.officials[(p, "chief_procurator")]
    officer = driver.officials[(p, "case_officer")]
    assert step["ReliefGranted"]["details"]["approved_by"] == chief.name
    assert "发放仪式" in step["ReliefDisbursed"]["details"]["ceremony"]
    # each step names the official who took it, as their credentials said
    assert step["SubmittedForApproval"]["by"]["name"] == officer.name
    assert step["ApprovalDecided"]["by"]["user_id"] == chief.user_id
    assert step["ApprovalDecided"]["by"]["roles"] == ["chief_procurator"]
    attended = {a["user_id"] for a in step["MeetingRecorded"]["details"]["attendees"]}
    assert chief.user_id in attended and officer.user_id in attended
    totals = driver.get(p, f"/persons/{ids['person_id']}/aid")["totals"]
    assert totals["all_amount_fen"] > 9_000_000  # over 90,000 yuan raised
    assert totals["social_by_provider_fen"] == {n.KUYTUN_CITY_INVESTMENT: 3_100_000}
    # The enterprise sees a name only: no health, family or ID number.
    person = driver.get(n.KUYTUN_CITY_INVESTMENT, f"/persons/{ids['person_id']}")
    assert set(person) == {"id", "name", "has_consent"}


def test_4_wang(driver: Driver, scenarios: dict[str, Any]) -> None:
    ids = scenarios["scenario_4_wang"]
    p = n.KUYTUN_PROCURATORATE
    case = driver.get(p, f"/cases/{ids['case_id']}")
    assert {r["status"] for r in case["referrals"]} == {"completed"}
    assert {a["kind"] for a in case["social_aid"]} == {"money", "counselling", "loan", "job"}
    loan = driver.get(n.KUYTUN_YOUTH_LEAGUE, f"/referrals/{ids['referrals']['student-loan']}")
    assert loan["outcome"]["provisions"][0]["amount_fen"] == 800_000
    # Each helper sees its own referral, not the others'.
    with pytest.raises(ScenarioError, match="404"):
        driver.get(n.KUYTUN_VOLUNTEERS, f"/referrals/{ids['referrals']['student-loan']}")
    inbox = driver.get(
        n.KUYTUN_PROPERTY_ASSOCIATION,
        f"/agencies/{driver.id(n.KUYTUN_PROPERTY_ASSOCIATION)}/referrals?box=inbox",
    )
    assert [r["id"] for r in inbox] == [ids["referrals"]["job"]]


def test_5_ye(driver: Driver, scenarios: dict[str, Any]) -> None:
    ids = scenarios["scenario_5_ye"]
    p = n.MORI_PROCURATORATE
    history = driver.get(p, f"/cases/{ids['case_id']}/history")
    assert events(history) == [*CASE_STEPS, "FollowUpRecorded"]
    assert history[-1]["details"]["new_needs"] == ["donation"]
    totals = driver.get(p, f"/persons/{ids['person_id']}/aid")["totals"]
    assert totals["judicial_disbursed_fen"] == 4_200_000
    assert totals["social_by_provider_fen"] == {n.MORI_BUILDER: 1_500_000}
    referral = driver.get(n.MORI_BUILDER, f"/referrals/{ids['referral_id']}")
    assert "持续关注" in referral["outcome"]["provisions"][0]["description"]


def test_6_inbound_lead(driver: Driver, scenarios: dict[str, Any]) -> None:
    ids = scenarios["scenario_6_inbound_lead"]
    ca, p = n.KUYTUN_CIVIL_AFFAIRS, n.KUYTUN_PROCURATORATE
    referral = driver.get(ca, f"/referrals/{ids['referral_id']}")
    assert referral["direction"] == "inbound"
    assert referral["requester_id"] == driver.id(ca)
    assert referral["status"] == "completed"  # the loop closes back to civil affairs
    history = driver.get(ca, f"/referrals/{ids['referral_id']}/history")
    assert statuses(history) == ["requested", "received", "accepted", "in-progress", "completed"]
    case = driver.get(p, f"/cases/{ids['case_id']}")
    assert case["source"] == "referral" and case["referral_id"] == ids["referral_id"]
    assert case["disbursed_fen"] == 1_500_000
    # Civil affairs referred the lead; the case itself is the procuratorate's.
    assert driver.get(ca, f"/cases/{ids['case_id']}")["id"] == ids["case_id"]


def test_7_outbound(driver: Driver, scenarios: dict[str, Any], auditor: str) -> None:
    ids = scenarios["scenario_7_outbound"]
    p, ca, mi = n.KUYTUN_PROCURATORATE, n.KUYTUN_CIVIL_AFFAIRS, n.KUYTUN_MEDICAL_INSURANCE
    case = driver.get(p, f"/cases/{ids['case_id']}")
    assert case["stage"] == "closed" and case["granted_fen"] == 0
    rejected = driver.get(p, f"/referrals/{ids['rejected_referral_id']}")
    assert rejected["status"] == "rejected"
    assert rejected["re_referred_to"] == ids["referral_id"]
    helped = driver.get(mi, f"/referrals/{ids['referral_id']}")
    assert helped["direction"] == "outbound"
    assert helped["re_referral_of"] == ids["rejected_referral_id"]
    assert helped["outcome"] == {
        "successful": True,
        "reason": None,
        "provisions": [
            {"kind": "allowance", "amount_fen": 800_000, "provider": mi, "description": "医疗救助"}
        ],
    }
    history = driver.get(p, f"/referrals/{ids['referral_id']}/history")
    assert statuses(history) == ["requested", "received", "accepted", "in-progress", "completed"]
    assert {e["details"].get("actor") for e in history[1:]} == {f"{mi}经办人"}
    # answered by the agency's caseworker through the API, or by its connector (its topic)
    caseworker = driver.officials[(mi, "caseworker")]
    by = {(e["by"]["kind"], e["by"]["agency_id"], e["by"]["user_id"]) for e in history[1:]}
    assert by in (
        {("user", driver.id(mi), caseworker.user_id)},
        {("connector", driver.id(mi), None)},
    )
    # Civil affairs, which rejected the first, does not see the second.
    with pytest.raises(ScenarioError, match="404"):
        driver.get(ca, f"/referrals/{ids['referral_id']}")
    outbox = driver.get(p, f"/agencies/{driver.id(p)}/referrals?box=outbox")
    assert {ids["referral_id"], ids["rejected_referral_id"]} <= {r["id"] for r in outbox}
    # The auditor reads everything, changes nothing.
    assert driver.get(auditor, f"/cases/{ids['case_id']}/history")[-1]["event"] == "CaseClosed"
    with pytest.raises(ScenarioError, match="403"):
        driver.post(
            auditor, f"/referrals/{ids['referral_id']}/cancel", {"actor": "x", "reason": "y"}
        )
