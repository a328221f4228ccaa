"""A log written by the hub of af50948 (unscoped consent) loads and reads as it did then.

Its ``ConsentRecorded`` events upcast to consents covering every agency and every service
(what they meant), its ``ConsentWithdrawn`` withdraws them, its referrals (``Requested`` v1)
relied on that consent; persons, cases, referrals and combined aid read as that code read them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from hub.bootstrap import Services
from hub.demo import network as n
from tests.integration.old_logs.procedure import CASE_PROCEDURE_KEYS, assert_procedure_upcast

COMMIT = "af50948"
#: what cases read now besides what they read then (the procedure's dates and amounts)
CASE_KEYS = set(CASE_PROCEDURE_KEYS)
NEW_KEYS = {
    "consent_id",
    "basis_lost",
    "requested_on",
    "found_on",
}  # what referrals read now besides what they read then


def as_then_case(case: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in case.items() if k not in CASE_KEYS}


def as_then(referral: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in referral.items() if k not in NEW_KEYS}


def test_the_log_still_verifies(services: Services, old: dict[str, Any]) -> None:
    report = services.hub.verify_log()
    assert report.ok, report.findings
    assert report.checked == old["log_position"]


def test_persons_read_as_before(services: Services, old: dict[str, Any]) -> None:
    for person_id, then in old["persons"].items():
        now = services.hub.get_person(UUID(person_id))
        fields = ("name", "id_number", "contact", "health", "family", "registered_by", "version")
        assert {f: now[f] for f in fields} == {f: then[f] for f in fields}
        assert now["has_consent"] == then["has_consent"]
        assert now["records"] == {then["registered_by"]: {f: then[f] for f in fields[:5]}}


def test_old_consent_reads_as_consent_to_every_agency_and_service(
    services: Services, old: dict[str, Any]
) -> None:
    wang = old["scenarios"]["scenario_4_wang"]["person_id"]
    for person_id, then in old["persons"].items():
        (consent,) = services.hub.get_person(UUID(person_id))["consents"]
        assert consent["legacy"] and consent["all_agencies"] and consent["all_services"]
        assert consent["withdrawn"] is (person_id == wang)
        assert consent["withdrawn"] is (not then["has_consent"])


def test_cases_referrals_and_aid_read_as_before(services: Services, old: dict[str, Any]) -> None:
    hub = services.hub
    wang = old["scenarios"]["scenario_4_wang"]["person_id"]
    for referral_id, then in old["referrals"].items():
        now = hub.get_referral(UUID(referral_id))
        assert as_then(now) == then
        assert now["consent_id"] is None
        assert now["basis_lost"] is (then["person_id"] == wang)  # her consent was withdrawn
    for case_id, then in old["cases"].items():
        now = hub.get_case(UUID(case_id))
        assert {**as_then_case(now), "referrals": [as_then(r) for r in now["referrals"]]} == then
    for person_id, then in old["aid"].items():
        assert hub.person_aid(UUID(person_id)) == then


def test_the_old_consent_still_serves_its_parties_and_only_them(
    services: Services, old: dict[str, Any]
) -> None:
    hub, agencies = services.hub, old["agencies"]
    ye = old["scenarios"]["scenario_5_ye"]
    mori, builder = agencies[n.MORI_PROCURATORATE], agencies[n.MORI_BUILDER]
    youth_league = agencies[n.KUYTUN_YOUTH_LEAGUE]
    # the procuratorate handling her case refers her again under her old consent
    again = hub.refer(
        requester_id=UUID(mori),
        recipient_id=UUID(builder),
        person_id=UUID(ye["person_id"]),
        reason="持续关注",
        services=["donation"],
        requested_by="承办检察官",
        case_id=UUID(ye["case_id"]),
    )
    assert hub.get_referral(again)["consent"] is True
    # an agency that merely registers her ID number reads only what it posted
    id_number = old["persons"][ye["person_id"]]["id_number"]
    person_id = hub.register_person(id_number, "叶某某", registered_by=UUID(youth_league))
    assert str(person_id) == ye["person_id"]
    assert hub.readable(person_id, UUID(youth_league)) == {
        "id_number": id_number,
        "name": "叶某某",
        "contact": None,
        "health": None,
        "family": None,
    }


def test_the_fixture_is_not_changed_by_opening_it(tmp_path: Path) -> None:
    from tests.support.old_logs import FIXTURES, open_old_log

    before = (FIXTURES / COMMIT / "hub.sqlite").read_bytes()
    opened = open_old_log(COMMIT, tmp_path / "again")
    opened.close()
    assert (FIXTURES / COMMIT / "hub.sqlite").read_bytes() == before


def test_the_procedure_fields_upcast_empty(services: Services, old: dict[str, Any]) -> None:
    assert_procedure_upcast(services, old)


def test_old_approvals_upcast_and_show_their_actors_as_recorded(
    services: Services, old: dict[str, Any]
) -> None:
    """``SubmittedForApproval`` v1 reads with no proposer (no official proposed it: the hub did
    not know officials then), and who acted on each old event is the free text it recorded."""
    hub = services.hub
    submitted = 0
    for case_id in old["cases"]:
        for entry in hub.history(UUID(case_id)):
            if entry["event"] == "SubmittedForApproval":
                submitted += 1
                assert entry["details"]["proposer"] is None
                assert entry["by"] == {
                    "kind": "recorded",
                    "user_id": None,
                    "agency_id": None,
                    "name": entry["details"]["submitted_by"],
                    "roles": [],
                }
            if entry["event"] == "ReliefGranted":
                assert entry["by"]["name"] == entry["details"]["approved_by"]
            assert entry["by"] is None or entry["by"]["kind"] == "recorded"
    assert submitted >= 1
