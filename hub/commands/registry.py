"""Agencies and linkage mechanisms: who is in the network (persons: ``hub.commands.persons``)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.agency import Agency
from domain.mechanism import LinkageMechanism
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

    def get_agency(self, agency_id: UUID) -> dict[str, Any]:
        return agency_dict(self.load(Agency, agency_id))

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
