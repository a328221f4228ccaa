"""A log written by the hub of e49641c (scoped consent, free-text actors) loads as it did then.

Persons, cases, referrals and combined aid read as that code read them, but for the keys named
in ``NEW_KEYS`` (what later code reads besides); the hash chains still verify.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from hub.bootstrap import Services
from tests.integration.old_logs.approvals import assert_approvals_upcast
from tests.integration.old_logs.procedure import CASE_PROCEDURE_KEYS, assert_procedure_upcast
from tests.integration.old_logs.who import assert_free_text_reads_as_the_note, renamed
from tests.support.old_logs import assert_aid_reads_with_loans_apart

COMMIT = "e49641c"
#: what referrals, cases and persons read now besides what they read then
NEW_KEYS: set[str] = {
    "requested_on",
    "found_on",
    *CASE_PROCEDURE_KEYS,
    "answers_follow_up",
    "answers_need",
    "next_visit_on",
    "without_referral",
    "category",
    "mechanism_id",
}


def as_then(read: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in read.items() if k not in NEW_KEYS}


def test_the_log_still_verifies(services: Services, old: dict[str, Any]) -> None:
    report = services.hub.verify_log()
    assert report.ok, report.findings
    assert report.checked == old["log_position"]


def test_persons_read_as_before(services: Services, old: dict[str, Any]) -> None:
    for person_id, then in old["persons"].items():
        assert as_then(services.hub.get_person(UUID(person_id))) == renamed(then)


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
        assert as_then(hub.get_referral(UUID(referral_id))) == renamed(then)
    for case_id, then in old["cases"].items():
        now = hub.get_case(UUID(case_id))
        as_now = {**as_then(now), "referrals": [as_then(r) for r in now["referrals"]]}
        assert as_now == renamed(then)
    for person_id, then in old["aid"].items():
        assert_aid_reads_with_loans_apart(hub.person_aid(UUID(person_id)), then)


def test_old_follow_ups_closures_and_referrals_upcast_to_nothing_new(
    services: Services, old: dict[str, Any]
) -> None:
    """``FollowUpRecorded`` v1 set no next visit, ``CaseClosed`` v1 gave no reason for not
    referring on, ``Requested`` v2 answered no need found at follow-up."""
    hub = services.hub
    for case_id in old["cases"]:
        now = hub.get_case(UUID(case_id))
        assert (now["next_visit_on"], now["without_referral"]) == (None, None)
        assert (now["category"], now["mechanism_id"]) == (None, None)
    for referral_id in old["referrals"]:
        now = hub.get_referral(UUID(referral_id))
        assert (now["answers_follow_up"], now["answers_need"]) == (None, None)


def test_an_old_closed_case_is_visited_again_and_its_need_answered(
    services: Services, old: dict[str, Any]
) -> None:
    """One relief, long-term care: a case closed under the old code takes a new visit, with the
    next one's date, and a referral names the need found there."""
    hub = services.hub
    a = old["scenarios"]["scenario_2_a_and_ai"]["a"]
    case = hub.get_case(UUID(a["case_id"]))
    assert case["stage"] == "closed"
    procuratorate = UUID(case["procuratorate_id"])
    hub.record_follow_up(
        case_id=UUID(a["case_id"]),
        by_agency=procuratorate,
        on_behalf_of="承办检察官",
        notes="康复后需要就业",
        new_needs=["job"],
        next_visit_on=hub.today() + timedelta(days=180),
    )
    again = hub.get_case(UUID(a["case_id"]))
    assert (again["stage"], again["follow_ups"], again["next_visit_on"]) == (
        "closed",
        case["follow_ups"] + 1,
        (hub.today() + timedelta(days=180)).isoformat(),
    )
    commerce = UUID(old["referrals"][a["referral_id"]]["recipient_id"])
    referral = hub.refer(
        requester_id=procuratorate,
        recipient_id=commerce,
        person_id=UUID(a["person_id"]),
        reason="回访发现就业需求",
        services=["job"],
        on_behalf_of="承办检察官",
        case_id=UUID(a["case_id"]),
        legal_basis="细则第五条",
        invoked_by="承办检察官",
        answers=(again["follow_ups"], "job"),
    )
    read = hub.get_referral(referral)
    assert (read["answers_follow_up"], read["answers_need"]) == (again["follow_ups"], "job")


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
    assert requested["by"]["name"] == requested["details"]["on_behalf_of"]
    assert assert_free_text_reads_as_the_note(services, old) > 0
    for case_id in old["cases"]:
        assert all(
            e["by"] is None or e["by"]["kind"] == "recorded" for e in hub.history(UUID(case_id))
        )


def test_old_approvals_upcast_and_show_their_actors_as_recorded(
    services: Services, old: dict[str, Any]
) -> None:
    assert_approvals_upcast(services, old)
