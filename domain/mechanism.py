"""Linkage mechanism (衔接机制): agencies of a region agreeing who does what.

A procuratorate (usually) leads; each member carries a responsibility, for example the
commerce bureau organising enterprises to give funds and jobs (Xinyuan county, 2022).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import MembershipRule
from domain.values import (
    MAX_ITEMS,
    MAX_SHORT_TEXT,
    check_date,
    check_region_code,
    require_text,
)


class LinkageMechanism(Aggregate):
    """A linkage mechanism and its members, each with its responsibility (职责)."""

    class Signed(Aggregate.Created):
        """Signed (签署); ``members`` maps each agency id (as text) to its responsibility."""

        name: str
        region_code: str
        lead_agency_id: UUID
        signed_on: date
        members: dict[str, str]

    class MemberJoined(Aggregate.Event):
        """An agency joined the mechanism with a responsibility."""

        agency_id: UUID
        responsibility: str
        joined_on: date

    class MemberLeft(Aggregate.Event):
        """An agency left the mechanism, with the reason."""

        agency_id: UUID
        left_on: date
        reason: str

    @classmethod
    def sign(
        cls,
        *,
        name: str,
        region_code: str,
        lead_agency_id: UUID,
        signed_on: date,
        members: dict[UUID, str],
    ) -> LinkageMechanism:
        """Signs a mechanism; ``members`` maps each agency to its responsibility (职责)."""
        if len(members) > MAX_ITEMS:
            raise MembershipRule(f"a mechanism is signed by at most {MAX_ITEMS} members at once")
        if lead_agency_id not in members:
            raise MembershipRule("the lead agency must be a member of its mechanism")
        return cls(
            name=require_text(name, "mechanism name", limit=MAX_SHORT_TEXT),
            region_code=check_region_code(region_code),
            lead_agency_id=lead_agency_id,
            signed_on=check_date(signed_on, "signed on"),
            members={
                str(agency): require_text(duty, "responsibility")
                for agency, duty in members.items()
            },
        )

    @event(Signed)
    def __init__(
        self,
        name: str,
        region_code: str,
        lead_agency_id: UUID,
        signed_on: date,
        members: dict[str, str],
    ) -> None:
        self.name = name
        self.region_code = region_code
        self.lead_agency_id = lead_agency_id
        self.signed_on = signed_on
        self.members = dict(members)  # a copy: later changes must not alter the Signed event

    def join(self, agency_id: UUID, responsibility: str, joined_on: date) -> None:
        if str(agency_id) in self.members:
            raise MembershipRule("the agency is already a member of this mechanism")
        self._join(
            agency_id,
            require_text(responsibility, "responsibility"),
            check_date(joined_on, "joined on"),
        )

    @event(MemberJoined)
    def _join(self, agency_id: UUID, responsibility: str, joined_on: date) -> None:
        self.members = {**self.members, str(agency_id): responsibility}

    def leave(self, agency_id: UUID, left_on: date, reason: str) -> None:
        if str(agency_id) not in self.members:
            raise MembershipRule("the agency is not a member of this mechanism")
        if agency_id == self.lead_agency_id:
            raise MembershipRule("the lead agency cannot leave its mechanism")
        self._leave(agency_id, check_date(left_on, "left on"), require_text(reason, "reason"))

    @event(MemberLeft)
    def _leave(self, agency_id: UUID, left_on: date, reason: str) -> None:
        self.members = {a: duty for a, duty in self.members.items() if a != str(agency_id)}

    def member_ids(self) -> list[UUID]:
        return [UUID(a) for a in self.members]
