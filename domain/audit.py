"""Reads of personal data (个人信息查阅记录): each one recorded as an event of its own."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.values import require_text


class PersonalDataRead(Aggregate):
    """Who read whose personal data, when, why and through which channel (api, cli)."""

    class Recorded(Aggregate.Created):
        """One read of a person's data, by whom, in which role, for what purpose."""

        person_id: UUID
        reader: str
        role: str
        agency_id: UUID | None
        purpose: str
        channel: str

    @classmethod
    def record(
        cls,
        *,
        person_id: UUID,
        reader: str,
        role: str,
        agency_id: UUID | None,
        purpose: str,
        channel: str,
    ) -> PersonalDataRead:
        return cls(
            person_id=person_id,
            reader=require_text(reader, "reader"),
            role=role,
            agency_id=agency_id,
            purpose=require_text(purpose, "purpose"),
            channel=channel,
        )

    @event(Recorded)
    def __init__(
        self,
        person_id: UUID,
        reader: str,
        role: str,
        agency_id: UUID | None,
        purpose: str,
        channel: str,
    ) -> None:
        self.person_id = person_id
