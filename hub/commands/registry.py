"""Agencies and linkage mechanisms: who is in the network (reads: ``hub.commands.queries``)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.agency import Agency
from domain.mechanism import LinkageMechanism
from hub.commands.base import HubBase


class RegistryCommands(HubBase):
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
        agency = Agency.register(
            name=name,
            kind=kind,
            level=level,
            region_code=region_code,
            services=services,
            response_days=response_days,
            parent_id=parent_id,
        )
        self.save(agency)
        return agency.id

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
        mechanism = LinkageMechanism.sign(
            name=name,
            region_code=region_code,
            lead_agency_id=lead_agency_id,
            signed_on=signed_on,
            members=members,
        )
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
