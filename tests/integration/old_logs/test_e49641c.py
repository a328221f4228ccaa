"""A log written by the hub of e49641c (scoped consent, free-text actors) loads as it did then.

Persons, cases, referrals and combined aid read as that code read them, but for the keys named
in ``NEW_KEYS`` (what later code reads besides); the hash chains still verify.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from hub.bootstrap import Services
from tests.integration.old_logs.procedure import CASE_PROCEDURE_KEYS, assert_procedure_upcast

COMMIT = "e49641c"
NEW_KEYS: set[str] = {
    "requested_on",
    "found_on",
    *CASE_PROCEDURE_KEYS,
}  # what referrals, cases and persons read now besides what they read then


def as_then(read: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in read.items() if k not in NEW_KEYS}


def test_the_log_still_verifies(services: Services, old: dict[str, Any]) -> None:
    report = services.hub.verify_log()
    assert report.ok, report.findings
    assert report.checked == old["log_position"]


def test_persons_read_as_before(services: Services, old: dict[str, Any]) -> None:
    for person_id, then in old["persons"].items():
        assert as_then(services.hub.get_person(UUID(person_id))) == then


def test_the_known_person_keeps_each_agencys_record(
    services: Services, old: dict[str, Any]
) -> None:
    ye = old["scenarios"]["scenario_5_ye"]["person_id"]
    league = old["agencies"]["共青团奎屯市委员会"]
    records = services.hub.get_person(UUID(ye))["records"]
    assert records[league]["contact"] == "13800000001"
    assert len(records) == 2


def test_cases_referrals_and_aid_read_as_before(services: Services, old: dict[str, Any]) -> None:
    hub = services.hub
    for referral_id, then in old["referrals"].items():
        assert as_then(hub.get_referral(UUID(referral_id))) == then
    for case_id, then in old["cases"].items():
        now = hub.get_case(UUID(case_id))
        assert {**as_then(now), "referrals": [as_then(r) for r in now["referrals"]]} == then
    for person_id, then in old["aid"].items():
        assert hub.person_aid(UUID(person_id)) == then


def test_the_procedure_fields_upcast_empty(services: Services, old: dict[str, Any]) -> None:
    assert_procedure_upcast(services, old)


def test_old_histories_show_their_actors_as_recorded(
    services: Services, old: dict[str, Any]
) -> None:
    """Events written before officials signed in carry no stamp: who acted is the free text
    they recorded, shown as ``recorded``; none claims to be an authenticated official."""
    hub = services.hub
    seen = []
    for referral_id in old["referrals"]:
        for entry in hub.history(UUID(referral_id)):
            by = entry["by"]
            if by is not None:
                assert by["kind"] == "recorded" and by["user_id"] is None
                seen.append(by["name"])
    assert seen
    requested = hub.history(UUID(next(iter(old["referrals"]))))[0]
    assert requested["by"]["name"] == requested["details"]["requested_by"]
    for case_id in old["cases"]:
        assert all(
            e["by"] is None or e["by"]["kind"] == "recorded" for e in hub.history(UUID(case_id))
        )


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
