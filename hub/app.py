"""The hub's Application (救助衔接平台): every command and query, on whichever log is set.

The log is chosen by the library's ``PERSISTENCE_MODULE`` setting (see
``docs/architecture.md``); the code here is the same on the embedded SQLite log and on Kafka.
Values in and out are plain: UUIDs, dates, integers of fen, strings, dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import ClassVar
from uuid import UUID

from eventsourcing.persistence import EventStore, Mapper, Transcoder

from domain.workdays import WorkCalendar
from hub.commands.audit import AuditCommands
from hub.commands.cases import CaseCommands
from hub.commands.links import LinkIndex
from hub.commands.persons import PersonCommands
from hub.commands.referrals import ReferralCommands
from hub.commands.registry import RegistryCommands
from hub.commands.users import UserCommands
from hub.transcodings import hub_transcoder
from hub.vault.chain import ChainedEventStore
from hub.vault.keystore import KeyStore
from hub.vault.mapper import HubMapper


class ReliefHub(
    RegistryCommands, UserCommands, PersonCommands, CaseCommands, ReferralCommands, AuditCommands
):
    name = "ReliefHub"
    #: aggregates are cached and fast-forwarded from the log on each load, so a change made
    #: by another process (a CLI command) is always seen
    env: ClassVar[dict[str, str]] = {
        "AGGREGATE_CACHE_MAXSIZE": "5000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
    }

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        person_key: bytes,
        hub_key: bytes,
        keys: KeyStore,
        calendar: WorkCalendar | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        if len(person_key) < 16:
            raise ValueError("the person key must be at least 16 bytes")
        self.person_key = person_key
        self.hub_key = hub_key
        self.keys = keys
        self.calendar = calendar or WorkCalendar()
        self.today = today
        self.links = LinkIndex()
        super().__init__(env=dict(env or {}))

    def construct_mapper(self) -> Mapper[UUID]:
        return HubMapper(self.construct_transcoder(), self.hub_key, self.keys)

    def construct_event_store(self) -> EventStore[UUID]:
        return ChainedEventStore(self.mapper, self.recorder)

    def close(self) -> None:
        super().close()
        self.keys.close()

    def construct_transcoder(self) -> Transcoder:
        return hub_transcoder()
