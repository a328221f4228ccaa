"""Persons: the one aggregate with personal data; id from the keyed hash; consent."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import InvalidValue
from domain.person import Person
from tests.unit.domain.support import assert_rebuilds, refused

KEY = "hmac-of-the-id-number"


def register(**overrides: Any) -> Person:
    fields: dict[str, Any] = {
        "id_key": KEY,
        "id_number": "654025199001011234",
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
    assert register(id_number="110101199003077777").id == register().id
    assert "654025199001011234" not in str(register().id)


def test_registration_keeps_the_details_and_replays() -> None:
    person = register()
    assert (person.name, person.id_number, person.contact) == (
        "周某",
        "654025199001011234",
        "13800000000",
    )
    assert person.consent is None and not person.has_consent
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
        person.update_details(id_number="110101199003077777")
    assert_rebuilds(person)


def test_consent_is_recorded_and_withdrawn() -> None:
    person = register()
    with refused(person, InvalidValue):
        person.withdraw_consent("officer", "no consent yet")
    person.record_consent(True, True, "officer Li", date(2026, 3, 2))
    assert person.has_consent
    person.withdraw_consent("officer Li", "the person asked")
    assert not person.has_consent
    with refused(person, InvalidValue):
        person.withdraw_consent("officer Li", "twice")
    person.record_consent(True, True, "officer Li", date(2026, 4, 1))
    assert person.has_consent
    events = assert_rebuilds(person)
    assert [type(e).__name__ for e in events] == [
        "Registered",
        "ConsentRecorded",
        "ConsentWithdrawn",
        "ConsentRecorded",
    ]


@pytest.mark.parametrize(("disclose", "services"), [(True, False), (False, True), (False, False)])
def test_consent_means_both_to_disclose_and_to_be_helped(disclose: bool, services: bool) -> None:
    person = register()
    person.record_consent(disclose, services, "officer", date(2026, 3, 2))
    assert not person.has_consent


def test_consent_names_who_recorded_it() -> None:
    person = register()
    with refused(person, InvalidValue):
        person.record_consent(True, True, " ", date(2026, 3, 2))


def test_erasure_clears_every_personal_field_once_and_replays() -> None:
    person = register()
    person.record_consent(True, True, "officer", date(2026, 3, 2))
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
        person.record_consent(True, True, "officer", date(2026, 3, 2))
    assert person.erased
