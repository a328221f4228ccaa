"""Reads of personal data (个人信息查阅记录): who read whose data, when, why and how.

A read through the command line is an event of its own (:class:`PersonalDataRead`); reads
through the API are recorded in bursts, one :class:`PersonalDataReads` event per reader per
burst, each read in it with its own person, time and purpose.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

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


class PersonalDataReads(Aggregate):
    """One reader's reads of personal data in one burst: for each, whose, when (ISO time) and why.

    Its id is derived from the burst and the reader, so recording the same burst twice (a
    retry after a crash) is refused by the log instead of counted twice.
    """

    class Recorded(Aggregate.Created):
        reader: str
        role: str
        agency_id: UUID | None
        channel: str
        reads: list[dict[str, Any]]

    @classmethod
    def record(
        cls,
        *,
        burst: UUID,
        reader: str,
        role: str,
        agency_id: UUID | None,
        channel: str,
        reads: list[dict[str, Any]],
    ) -> PersonalDataReads:
        """``reads``: ``{"person_id", "at", "purpose"}`` each, as strings."""
        return cls._create(
            cls.Recorded,
            id=uuid5(burst, f"{reader}\n{role}\n{agency_id}\n{channel}"),
            reader=require_text(reader, "reader"),
            role=role,
            agency_id=agency_id,
            channel=channel,
            reads=[{**r, "purpose": require_text(r["purpose"], "purpose")} for r in reads],
        )

    @event(Recorded)
    def __init__(
        self,
        reader: str,
        role: str,
        agency_id: UUID | None,
        channel: str,
        reads: list[dict[str, Any]],
    ) -> None:
        self.reader = reader
        self.role = role
        self.agency_id = agency_id
        self.channel = channel
        self.reads = reads
