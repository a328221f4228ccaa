"""The seven scenarios of DOMAIN.md, end to end through the API with each agency's own token.

Each test reads the final state and the history back as the agencies involved (and as an
auditor), and checks what each agency must not see; and the seed report's dates, amounts and
agencies (seeds/000_55c157410a459b59.txt).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from domain.officials import describe
from hub.audit.export import who
from hub.bootstrap import Services
from hub.demo import network as n
from hub.demo.driver import Driver, ScenarioError
from projections import worker

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


def dated(history: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Each case step and its business date."""
    fields = ("received_on", "held_on", "reviewed_on", "on", "decided_on", "paid_on")
    fields += ("visited_on", "closed_on")
    return [
        (e["event"], next(e["details"][f] for f in fields if f in e["details"]))
        for e in history
        if any(f in e["details"] for f in fields)
    ]


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


def test_8_tacheng_meeting(driver: Driver, scenarios: dict[str, Any]) -> None:
    """塔城分院 and the eleven units it convened (教育局、民政局、司法局、乡村振兴局等11家单位)."""
    ids = scenarios["scenario_8_tacheng_meeting"]
    mechanism = driver.get(n.TACHENG_BRANCH, f"/mechanisms/{ids['mechanism_id']}")
    assert mechanism["lead_agency_id"] == driver.id(n.TACHENG_BRANCH)
    assert mechanism["region_code"] == "6542"
    members = {m["agency_id"] for m in mechanism["members"]} - {driver.id(n.TACHENG_BRANCH)}
    assert len(members) == 11
    named = ("塔城地区教育局", "塔城地区民政局", "塔城地区司法局", "塔城地区乡村振兴局")
    assert {driver.id(name) for name in named} <= members
    assert mechanism["signed_on"].startswith("2022-")


def test_2_a_and_ai(driver: Driver, scenarios: dict[str, Any]) -> None:
    p = n.XINYUAN_PROCURATORATE
    for ids in scenarios["scenario_2_a_and_ai"].values():
        case = driver.get(p, f"/cases/{ids['case_id']}")
        assert case["stage"] == "closed"
        assert case["granted_fen"] == case["disbursed_fen"] == 3_000_000
        assert [r["status"] for r in case["referrals"]] == ["completed"]
        assert case["social_aid"][0]["provider"] == n.XINYUAN_DONOR
        history = driver.get(p, f"/cases/{ids['case_id']}/history")
        assert events(history) == [*CASE_STEPS, "Classified", "FollowUpRecorded", "CaseClosed"]
        # last year's accident, this year's case: the first under the mechanism of 2022-01-10
        assert dated(history)[0] == ("LeadReceived", "2022-02-14")
        assert dated(history)[-1] == ("CaseClosed", "2022-07-05")
        mechanism = scenarios["scenario_1_xinyuan_mechanism"]["mechanism_id"]
        signed = driver.get(p, f"/mechanisms/{mechanism}")["signed_on"]
        assert all(day > signed for _, day in dated(history))
        assert "刑事特困" in case["referrals"][0]["reason"]
        assert (case["category"], case["mechanism_id"]) == ("criminal-hardship", mechanism)
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
    assert dated(history)[0] == ("LeadReceived", "2021-08-10")
    assert dated(history)[-1] == ("ReliefDisbursed", "2021-10-20")  # the ceremony's day
    # the enterprise's donation was raised for his case, and is in his case file
    case = driver.get(p, f"/cases/{ids['case_id']}")
    assert [r["id"] for r in case["referrals"]] == [ids["referral_id"]]
    totals = driver.get(p, f"/persons/{ids['person_id']}/aid")["totals"]
    assert totals["aid_fen"] == 9_100_000  # over 90,000 yuan raised (9万余元)
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
    assert loan["outcome"]["provisions"][0]["kind"] == "loan"
    # "去年8月": August 2021; her son's student loan is listed apart from her aid
    history = driver.get(p, f"/cases/{ids['case_id']}/history")
    assert dated(history)[0] == ("LeadReceived", "2021-08-05")
    totals = driver.get(p, f"/persons/{ids['person_id']}/aid")["totals"]
    assert (totals["aid_fen"], totals["loans_fen"]) == (2_500_000, 800_000)
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
    assert dated(history)[0] == ("LeadReceived", "2020-04-08")  # "2020年4月"
    # the follow-up found her child going to university: an education need, answered by the
    # builder's referral, which names that visit and that need
    assert history[-1]["details"]["new_needs"] == ["education-aid"]
    assert history[-1]["details"]["next_visit_on"] == "2021-09-01"
    totals = driver.get(p, f"/persons/{ids['person_id']}/aid")["totals"]
    assert totals["judicial_disbursed_fen"] == 4_200_000  # 4万余元
    assert totals["social_by_provider_fen"] == {n.MORI_BUILDER: 1_500_000}
    referral = driver.get(n.MORI_BUILDER, f"/referrals/{ids['referral_id']}")
    assert "持续关注" in referral["outcome"]["provisions"][0]["description"]
    assert (referral["answers_follow_up"], referral["answers_need"]) == (1, "education-aid")


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
    # the outcome tells civil affairs what was given: the 15,000 yuan of judicial relief
    assert referral["outcome"]["provisions"] == [
        {
            "kind": "judicial-relief",
            "amount_fen": 1_500_000,
            "provider": p,
            "description": "国家司法救助金1.5万元，已发放",
        }
    ]
    # counted once, as the case's relief, not again as social aid
    totals = driver.get(p, f"/persons/{ids['person_id']}/aid")["totals"]
    assert (totals["aid_fen"], totals["social_aid_fen"]) == (1_500_000, 0)
    assert totals["social_by_kind_fen"] == {}
    # Civil affairs referred the lead; the case itself is the procuratorate's.
    assert driver.get(ca, f"/cases/{ids['case_id']}")["id"] == ids["case_id"]


def test_7_outbound(driver: Driver, scenarios: dict[str, Any], auditor: str) -> None:
    """Direct to medical insurance, as the seed has it: accepted, helped, reported back."""
    ids = scenarios["scenario_7_outbound"]
    p, ca, mi = n.KUYTUN_PROCURATORATE, n.KUYTUN_CIVIL_AFFAIRS, n.KUYTUN_MEDICAL_INSURANCE
    case = driver.get(p, f"/cases/{ids['case_id']}")
    assert case["stage"] == "closed" and case["granted_fen"] == 0
    assert [r["id"] for r in case["referrals"]] == [ids["referral_id"]]
    helped = driver.get(mi, f"/referrals/{ids['referral_id']}")
    assert helped["direction"] == "outbound"
    assert (helped["requester_id"], helped["recipient_id"]) == (driver.id(p), driver.id(mi))
    assert helped["re_referral_of"] is None
    assert helped["outcome"] == {
        "successful": True,
        "reason": None,
        "provisions": [
            {"kind": "allowance", "amount_fen": 800_000, "provider": mi, "description": "医疗救助"}
        ],
    }
    history = driver.get(p, f"/referrals/{ids['referral_id']}/history")
    assert statuses(history) == ["requested", "received", "accepted", "in-progress", "completed"]
    # answered by the agency's caseworker through the API (no note), or by its connector (its
    # topic), which names the caseworker on whose behalf it answers
    caseworker = driver.officials[(mi, "caseworker")]
    by = {(e["by"]["kind"], e["by"]["agency_id"], e["by"]["user_id"]) for e in history[1:]}
    notes = {e["on_behalf_of"] for e in history[1:]}
    assert (by, notes) in (
        ({("user", driver.id(mi), caseworker.user_id)}, {None}),
        ({("connector", driver.id(mi), None)}, {driver.actor(mi)}),
    )
    assert dated(driver.get(p, f"/cases/{ids['case_id']}/history"))[-1] == (
        "CaseClosed",
        "2021-12-28",
    )
    # Civil affairs is no party to it.
    with pytest.raises(ScenarioError, match="404"):
        driver.get(ca, f"/referrals/{ids['referral_id']}")
    # The auditor reads everything, changes nothing.
    assert driver.get(auditor, f"/cases/{ids['case_id']}/history")[-1]["event"] == "CaseClosed"
    with pytest.raises(ScenarioError, match="403"):
        driver.post(
            auditor, f"/referrals/{ids['referral_id']}/cancel", {"on_behalf_of": "x", "reason": "y"}
        )


def test_2021_statistics_are_the_years_cases(
    driver: Driver, scenarios: dict[str, Any], services: Services, auditor: str
) -> None:
    """The cases of 2021 as the seed dates them: 周某, 王某, the inbound lead, the outbound."""
    worker.rebuild(services.hub, services.views, "region_stats")
    stats = driver.get("auditor", "/statistics/regions/65?from=2021-01-01&to=2021-12-31")
    assert stats["cases"]["total"] == 4
    assert stats["amounts"]["granted_fen"] == 6_000_000 + 2_000_000 + 1_500_000
    assert stats["amounts"]["disbursed_fen"] == 6_000_000 + 2_000_000 + 1_500_000
    in_2022 = driver.get("auditor", "/statistics/regions/65?from=2022-01-01&to=2022-12-31")
    assert in_2022["cases"]["total"] == 2  # 阿某 and 艾某, under Xinyuan's mechanism


def scenario_streams(made: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every case and referral a scenario made: ("case" or "referral", id)."""
    if isinstance(made, dict):
        for k, v in made.items():
            yield from scenario_streams(v, "referral_id" if k == "referrals" else k)
    elif isinstance(made, str) and key in ("case_id", "referral_id"):
        yield key.removesuffix("_id"), made


def test_every_history_names_its_officials(
    driver: Driver, scenarios: dict[str, Any], auditor: str
) -> None:
    """Every step of the seven scenarios, on every case and referral, was taken by a named
    official of the acting agency, with the role they hold, from their sign-in; no body named
    anyone (no note), and the history reads 姓名（角色）."""
    officials = {o.user_id: o for o in driver.officials.values()}
    seen: set[str] = set()
    streams = sorted(set(scenario_streams(scenarios)))
    assert len([s for s in streams if s[0] == "case"]) == 7
    for kind, stream in streams:
        requester = n.KUYTUN_PROCURATORATE  # any party reads the whole history
        if kind == "referral":
            referral = driver.get("auditor", f"/referrals/{stream}")
            requester = next(a for a, i in driver.agencies.items() if i == referral["requester_id"])
        history = driver.get(
            requester if kind == "referral" else "auditor", f"/{kind}s/{stream}/history"
        )
        for entry in history:
            by = entry["by"]
            assert by["kind"] == "user", (kind, entry["event"], by)
            official = officials[by["user_id"]]
            assert (by["name"], by["roles"]) == (official.name, [official.role])
            assert by["agency_id"] == driver.id(official.agency)
            assert entry["on_behalf_of"] is None
            assert who(entry, "zh") == describe(official.name, [official.role], "zh")
            seen.add(official.role)
    # every grant of the scenarios is 10,000 yuan or more: the chief procurator approves them
    assert {"case_officer", "chief_procurator", "caseworker"} <= seen
