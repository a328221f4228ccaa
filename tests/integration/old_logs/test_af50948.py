"""A log written by the hub of af50948 (unscoped consent) loads and reads as it did then.

Its ``ConsentRecorded`` events upcast to consents covering every agency and every service
(what they meant), its ``ConsentWithdrawn`` withdraws them, its referrals (``Requested`` v1)
relied on that consent; persons, cases, referrals and combined aid read as that code read them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.errors import IdNumberInvalid
from domain.values import check_id_number, id_check_digit
from hub.bootstrap import Services
from hub.demo import network as n
from tests.integration.old_logs.approvals import assert_approvals_upcast
from tests.integration.old_logs.procedure import CASE_PROCEDURE_KEYS, assert_procedure_upcast
from tests.integration.old_logs.who import assert_free_text_reads_as_the_note, renamed
from tests.support.old_logs import assert_aid_reads_with_loans_apart

COMMIT = "af50948"
#: what cases read now besides what they read then (the procedure's dates and amounts, and
#: the follow-up, closure and category fields)
CASE_KEYS = {
    *CASE_PROCEDURE_KEYS,
    "next_visit_on",
    "without_referral",
    "category",
    "mechanism_id",
}
NEW_KEYS = {
    "consent_id",
    "basis_lost",
    "requested_on",
    "found_on",
    "answers_follow_up",
    "answers_need",
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
        assert as_then(now) == renamed(then)
        assert now["consent_id"] is None
        assert now["basis_lost"] is (then["person_id"] == wang)  # her consent was withdrawn
    for case_id, then in old["cases"].items():
        now = hub.get_case(UUID(case_id))
        as_now = {**as_then_case(now), "referrals": [as_then(r) for r in now["referrals"]]}
        assert as_now == renamed(then)
        assert now["next_visit_on"] is None and now["without_referral"] is None
    for person_id, then in old["aid"].items():
        assert_aid_reads_with_loans_apart(hub.person_aid(UUID(person_id)), then)
    # 王某's student loan, recorded then as a loan, is no longer counted as her aid
    assert hub.person_aid(UUID(wang))["totals"]["loans_fen"] == 800_000


def test_the_old_consent_still_serves_its_parties_and_only_them(
    services: Services, old: dict[str, Any]
) -> None:
    hub, agencies = services.hub, old["agencies"]
    ye = old["scenarios"]["scenario_5_ye"]
    mori, builder = agencies[n.MORI_PROCURATORATE], agencies[n.MORI_BUILDER]
    # the procuratorate handling her case refers her again under her old consent
    again = hub.refer(
        requester_id=UUID(mori),
        recipient_id=UUID(builder),
        person_id=UUID(ye["person_id"]),
        reason="持续关注",
        services=["donation"],
        on_behalf_of="承办检察官",
        case_id=UUID(ye["case_id"]),
    )
    assert hub.get_referral(again)["consent"] is True
    # an agency that merely registers a known ID number (王某's passes GB 11643; 叶某's, taken
    # unchecked then, does not: see below) reads only what it posted
    wang = old["scenarios"]["scenario_4_wang"]["person_id"]
    id_number = old["persons"][wang]["id_number"]
    person_id = hub.register_person(id_number, "王 某", registered_by=UUID(builder))
    assert str(person_id) == wang
    assert hub.readable(person_id, UUID(builder)) == {
        "id_number": id_number,
        "name": "王 某",
        "contact": None,
        "health": None,
        "family": None,
    }


def test_a_number_registered_then_with_a_wrong_check_digit_still_reads_but_is_not_taken_again(
    services: Services, old: dict[str, Any]
) -> None:
    """af50948 took any 18 characters; its people stay readable as they were, and the same
    number (failing GB 11643) is refused as a new registration, never matched or changed."""
    hub = services.hub
    wrong = {
        pid: p
        for pid, p in old["persons"].items()
        if p["id_number"] and not _passes(p["id_number"])
    }
    assert wrong, "the fixture holds numbers with a wrong check digit"
    for person_id, then in wrong.items():
        assert hub.get_person(UUID(person_id))["id_number"] == then["id_number"]
        position = hub.recorder.max_notification_id()
        with pytest.raises(IdNumberInvalid):
            hub.register_person(then["id_number"], then["name"], registered_by=None)
        assert hub.recorder.max_notification_id() == position
    # the same digits with the right check character are another number: another person
    number = next(iter(wrong.values()))["id_number"]
    assert hub.id_key(number[:17] + id_check_digit(number[:17])) != hub.id_key(number)


def _passes(number: str) -> bool:
    try:
        check_id_number(number)
    except IdNumberInvalid:
        return False
    return True


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
    assert_approvals_upcast(services, old)


def test_the_free_text_who_fields_read_as_notes(services: Services, old: dict[str, Any]) -> None:
    assert assert_free_text_reads_as_the_note(services, old) > 0
