"""Agencies, linkage mechanisms and persons: who is in the network, and who is helped."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import Any
from uuid import UUID

from domain.agency import Agency
from domain.errors import InvalidValue
from domain.mechanism import LinkageMechanism
from domain.person import Person
from hub.commands.base import HubBase, plain


def agency_dict(a: Agency) -> dict[str, Any]:
    return plain(
        {
            "id": a.id,
            "name": a.name,
            "kind": a.kind,
            "level": a.level,
            "region_code": a.region_code,
            "services": a.services,
            "response_days": a.response_days,
            "parent_id": a.parent_id,
            "version": a.version,
        }
    )


class RegistryCommands(HubBase):
    person_key: bytes

    # Agencies (单位)

    def register_agency(
        self,
        name: str,
        kind: str,
        level: str,
        region_code: str,
        services: list[str],
        response_days: int,
        parent_id: UUID | None = None,
    ) -> UUID:
        if parent_id is not None:
            self.load(Agency, parent_id)
        agency = Agency.register(name, kind, level, region_code, services, response_days, parent_id)
        self.save(agency)
        return agency.id

    def get_agency(self, agency_id: UUID) -> dict[str, Any]:
        return agency_dict(self.load(Agency, agency_id))

    def change_agency_services(self, agency_id: UUID, services: list[str]) -> None:
        agency = self.load(Agency, agency_id)
        agency.change_services(services)
        self.save(agency)

    def set_response_target(self, agency_id: UUID, response_days: int) -> None:
        agency = self.load(Agency, agency_id)
        agency.set_response_target(response_days)
        self.save(agency)

    # Linkage mechanisms (衔接机制)

    def sign_mechanism(
        self,
        name: str,
        region_code: str,
        lead_agency_id: UUID,
        signed_on: date,
        members: dict[UUID, str],
    ) -> UUID:
        for agency_id in members:
            self.load(Agency, agency_id)
        mechanism = LinkageMechanism.sign(name, region_code, lead_agency_id, signed_on, members)
        self.save(mechanism)
        return mechanism.id

    def join_mechanism(
        self, mechanism_id: UUID, agency_id: UUID, responsibility: str, joined_on: date
    ) -> None:
        self.load(Agency, agency_id)
        mechanism = self.load(LinkageMechanism, mechanism_id)
        mechanism.join(agency_id, responsibility, joined_on)
        self.save(mechanism)

    def leave_mechanism(
        self, mechanism_id: UUID, agency_id: UUID, left_on: date, reason: str
    ) -> None:
        mechanism = self.load(LinkageMechanism, mechanism_id)
        mechanism.leave(agency_id, left_on, reason)
        self.save(mechanism)

    def get_mechanism(self, mechanism_id: UUID) -> dict[str, Any]:
        m = self.load(LinkageMechanism, mechanism_id)
        return plain(
            {
                "id": m.id,
                "name": m.name,
                "region_code": m.region_code,
                "lead_agency_id": m.lead_agency_id,
                "signed_on": m.signed_on,
                "members": [{"agency_id": a, "responsibility": r} for a, r in m.members.items()],
                "version": m.version,
            }
        )

    # Persons (当事人)

    def id_key(self, id_number: str) -> str:
        """Keyed hash of a normalised ID number: the person's stable, non-reversible key."""
        normalised = id_number.strip().upper()
        if not normalised:
            raise InvalidValue("ID number must not be empty")
        return hmac.new(self.person_key, normalised.encode(), hashlib.sha256).hexdigest()

    def register_person(
        self,
        id_number: str,
        name: str,
        contact: str | None = None,
        health: str | None = None,
        family: str | None = None,
        registered_by: UUID | None = None,
    ) -> UUID:
        """Registers a person, or returns the existing one with the same ID number."""
        key = self.id_key(id_number)
        person_id = Person.id_for(key)
        if self.exists(person_id):
            return person_id
        person = Person.register(key, id_number, name, contact, health, family, registered_by)
        self.save(person)
        return person.id

    def update_person(self, person_id: UUID, **details: Any) -> None:
        person = self.load(Person, person_id)
        person.update_details(**details)
        self.save(person)

    def record_consent(
        self, person_id: UUID, disclose: bool, services: bool, recorded_by: str, on: date
    ) -> None:
        person = self.load(Person, person_id)
        person.record_consent(disclose, services, recorded_by, on)
        self.save(person)

    def withdraw_consent(self, person_id: UUID, recorded_by: str, reason: str) -> None:
        person = self.load(Person, person_id)
        person.withdraw_consent(recorded_by, reason)
        self.save(person)

    def get_person(self, person_id: UUID) -> dict[str, Any]:
        """All of a person's details; the API reduces them to what the reader's part needs."""
        p = self.load(Person, person_id)
        return plain(
            {
                "id": p.id,
                "name": p.name,
                "id_number": p.id_number,
                "contact": p.contact,
                "health": p.health,
                "family": p.family,
                "consent": p.consent,
                "has_consent": p.has_consent,
                "registered_by": p.registered_by,
                "version": p.version,
            }
        )
