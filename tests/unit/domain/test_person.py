"""Persons: the one aggregate with personal data; id from the keyed hash; consent."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.consent import consent_terms
from domain.errors import IdentityMismatch, IdNumberInvalid, InvalidValue
from domain.person import Person, same_name
from tests.unit.domain.support import assert_rebuilds, refused

KEY = "hmac-of-the-id-number"


def register(**overrides: Any) -> Person:
    fields: dict[str, Any] = {
        "id_key": KEY,
        "id_number": "654025199001011231",
        "name": "周某",
        "contact": "13800000000",
        "health": "wife and son injured",
        "family": "wife, son",
    }
    fields.update(overrides)
    return Person.register(**fields)


def test_the_same_key_is_the_same_person() -> None:
    assert register().id == register(name="周某某").id == Person.id_for(KEY)
    assert register(id_key="another-key").id != register().id


def test_the_id_is_derived_from_the_key_only_never_from_the_id_number() -> None:
    assert register(id_number="110101199003077774").id == register().id
    assert "654025199001011231" not in str(register().id)


def test_registration_keeps_the_details_and_replays() -> None:
    person = register()
    assert (person.name, person.id_number, person.contact) == (
        "周某",
        "654025199001011231",
        "13800000000",
    )
    assert person.consents == {} and not person.has_consent
    assert_rebuilds(person)


@pytest.mark.parametrize("overrides", [{"name": " "}, {"id_number": ""}])
def test_a_person_has_a_name_and_an_id_number(overrides: dict[str, Any]) -> None:
    with pytest.raises(InvalidValue):
        register(**overrides)


def test_details_change_only_in_known_fields() -> None:
    person = register()
    person.update_details(contact="13900000000", family="wife, son, daughter")
    assert person.contact == "13900000000"
    with refused(person, InvalidValue) as info:
        person.update_details(religion="x")
    assert "religion" in str(info.value)
    with refused(person, InvalidValue):
        person.update_details(id_number="110101199003077774")
    assert_rebuilds(person)


AGENCY, OTHER = UUID(int=1), UUID(int=2)
DAY = date(2026, 3, 2)


def scope(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "given_by": "person",
        "giver_name": None,
        "relation": None,
        "to_agencies": [AGENCY],
        "to_kinds": [],
        "services": ["medical-aid"],
        "aid_view": False,
        "valid_from": DAY,
        "valid_until": None,
        "evidence": "written",
        "witness": None,
    }
    fields.update(overrides)
    return consent_terms(**fields)


def consent(person: Person, **overrides: Any) -> UUID:
    consent_id = uuid4()
    person.record_consent(
        consent_id=consent_id,
        taken_by=AGENCY,
        on_behalf_of="officer Li",
        recorded_on=DAY,
        scope=scope(**overrides),
    )
    return consent_id


def test_consent_is_recorded_and_each_withdrawn_alone() -> None:
    person = register()
    with refused(person, InvalidValue):
        person.withdraw_consent(consent_ids=[], on_behalf_of="officer", reason="none yet", on=DAY)
    first = consent(person)
    second = consent(person, to_kinds=["civil-affairs"], services=["temporary-aid"])
    assert person.has_consent
    person.withdraw_consent(consent_ids=[first], on_behalf_of="officer Li", reason="asked", on=DAY)
    assert person.consents[str(first)]["withdrawn"] and person.has_consent
    with refused(person, InvalidValue):
        person.withdraw_consent(consent_ids=[first], on_behalf_of="x", reason="twice", on=DAY)
    assert not person.consents[str(second)]["withdrawn"]
    events = assert_rebuilds(person)
    assert [type(e).__name__ for e in events] == [
        "Registered",
        "ConsentRecorded",
        "ConsentRecorded",
        "ConsentWithdrawn",
    ]


def test_a_consent_covers_only_whom_and_what_it_names_while_valid() -> None:
    person = register()
    consent(person, valid_until=date(2026, 12, 31))
    later = date(2026, 6, 1)

    def covered(agency: UUID, kind: str, services: list[str], on: date = later) -> bool:
        found = person.consent_for(agency_id=agency, kind=kind, services=services, on=on)
        return found is not None

    assert covered(AGENCY, "medical-insurance", ["medical-aid"])
    assert not covered(OTHER, "medical-insurance", ["medical-aid"])  # not named
    assert not covered(AGENCY, "medical-insurance", ["medical-aid", "job"])  # a service more
    assert not covered(AGENCY, "medical-insurance", ["medical-aid"], date(2026, 3, 1))
    assert not covered(AGENCY, "medical-insurance", ["medical-aid"], date(2027, 1, 1))
    consent(person, to_agencies=[], to_kinds=["enterprise"], services=["job", "donation"])
    assert covered(OTHER, "enterprise", ["job"])
    assert not covered(OTHER, "youth-league", ["job"])


@pytest.mark.parametrize(
    "overrides",
    [
        {"to_agencies": [], "to_kinds": []},
        {"services": []},
        {"evidence": "oral"},  # no witness
        {"evidence": "telepathy"},
        {"given_by": "guardian"},  # no name or relation
        {"given_by": "guardian", "giver_name": "母亲"},  # no relation
        {"given_by": "neighbour", "giver_name": "x", "relation": "y"},
        {"valid_until": date(2026, 3, 1)},
        {"to_kinds": ["ministry-of-magic"]},
    ],
)
def test_a_consent_says_who_gave_it_what_it_allows_and_on_what_evidence(
    overrides: dict[str, Any],
) -> None:
    with pytest.raises(InvalidValue):
        scope(**overrides)


def test_a_guardian_and_an_oral_consent_before_a_witness_are_recorded() -> None:
    terms = scope(
        given_by="guardian", giver_name="母亲", relation="监护人", evidence="oral", witness="社工"
    )
    assert terms["details"] == {"giver_name": "母亲", "relation": "监护人", "witness": "社工"}
    person = register()
    consent(person, given_by="close-relative", giver_name="丈夫", relation="配偶")
    assert_rebuilds(person)


def test_a_consents_note_is_optional_and_bounded() -> None:
    """Who recorded a consent is the stamp of the credentials; the note is optional."""
    person = register()
    with refused(person, InvalidValue):
        person.record_consent(
            consent_id=uuid4(),
            taken_by=AGENCY,
            on_behalf_of="某" * 201,
            recorded_on=DAY,
            scope=scope(),
        )
    first, second = uuid4(), uuid4()
    person.record_consent(consent_id=first, taken_by=AGENCY, recorded_on=DAY, scope=scope())
    person.record_consent(
        consent_id=second, taken_by=AGENCY, on_behalf_of="社工 李某", recorded_on=DAY, scope=scope()
    )
    assert person.consents[str(first)]["on_behalf_of"] is None
    assert person.consents[str(second)]["on_behalf_of"] == "社工 李某"


def test_a_second_registration_is_the_agencys_own_record_apart() -> None:
    person = register(registered_by=AGENCY)
    person.record_details(
        agency_id=OTHER, id_number="654025199001011231", name=" 周 某 ", contact="139"
    )
    assert person.recorded_by(AGENCY) and person.recorded_by(OTHER)
    assert person.records[str(OTHER)]["name"] == "周 某"
    assert person.records[str(AGENCY)]["health"] == "wife and son injured"
    assert person.records[str(OTHER)]["health"] is None
    assert person.name == "周某"  # the first registration's, unchanged
    assert_rebuilds(person)


def test_the_same_number_under_another_name_is_a_mismatch_not_a_match() -> None:
    person = register(registered_by=AGENCY)
    with refused(person, IdentityMismatch) as info:
        person.record_details(agency_id=OTHER, id_number="654025199001011231", name="王某")
    assert info.value.rule == "id-number-name-mismatch"
    assert "周某" not in info.value.message  # the recorded name is not told
    assert not person.recorded_by(OTHER)


@pytest.mark.parametrize(
    ("first", "again"),
    [("周某", "周某"), ("周某", "周 某"), ("ZHOU", "ＺＨＯＵ"), ("ZHOU", "zhou")],
)
def test_a_name_spelled_alike_is_the_same_name(first: str, again: str) -> None:
    person = register(registered_by=AGENCY, name=first)
    person.record_details(agency_id=OTHER, id_number="654025199001011231", name=again)
    assert person.recorded_by(OTHER)


def test_a_name_with_its_parts_separated_differently_is_the_same_name() -> None:
    assert same_name("阿依古丽·买买提", "阿依古丽.买买提")
    assert same_name("阿依古丽·买买提", "阿依古丽・买买提")
    assert same_name("阿依古丽·买买提", "阿依古丽买买提")
    assert not same_name("阿依古丽·买买提", "阿依古丽·艾力")


def test_a_second_registration_needs_a_valid_id_number() -> None:
    person = register(registered_by=AGENCY)
    with refused(person, IdNumberInvalid):
        person.record_details(agency_id=OTHER, id_number="654025199013011234", name="周某")


def test_erasure_clears_every_personal_field_once_and_replays() -> None:
    person = register()
    consent(person)
    with refused(person, InvalidValue):
        person.erase(" ", "auditor")
    person.erase("PIPL Art. 47", "auditor Zhang")
    assert person.erased
    assert all(
        getattr(person, f) is None for f in ("id_number", "name", "contact", "health", "family")
    )
    with refused(person, InvalidValue):
        person.erase("PIPL Art. 47", "auditor Zhang")
    events = assert_rebuilds(person)
    assert type(events[-1]).__name__ == "Erased"


def test_an_erased_person_gets_no_new_details_or_consent() -> None:
    person = register()
    person.erase("PIPL Art. 47", "auditor")
    with refused(person, InvalidValue):
        person.update_details(name="周某")
    with refused(person, InvalidValue):
        consent(person)
    with refused(person, InvalidValue):
        person.record_details(agency_id=OTHER, id_number="654025199001011231", name="周某")
    assert person.erased
