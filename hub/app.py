"""The hub's Application (救助衔接平台): every command and query, on whichever log is set.

The log is chosen by the library's ``PERSISTENCE_MODULE`` setting (see
``docs/architecture.md``); the code here is the same on the embedded SQLite log and on Kafka.
Values in and out are plain: UUIDs, dates, integers of fen, strings, dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from typing import ClassVar
from uuid import UUID

from eventsourcing.persistence import EventStore, Mapper, Recording, Transcoder

from domain.values import DEFAULT_MAX_BACKDATE_DAYS
from domain.workdays import WorkCalendar
from hub.commands.audit import AuditCommands
from hub.commands.cases import CaseCommands
from hub.commands.links import LinkIndex
from hub.commands.persons import PersonCommands
from hub.commands.referrals import ReferralCommands
from hub.commands.registry import RegistryCommands
from hub.commands.users import UserCommands
from hub.commands.wages import WageCommands
from hub.transcodings import hub_transcoder
from hub.vault.chain import ChainedEventStore
from hub.vault.keystore import KeyStore
from hub.vault.mapper import HubMapper

#: China Standard Time (Asia/Shanghai): UTC+8 all year, no daylight saving since 1991, so no
#: time-zone database is needed on the server
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def china_today() -> date:
    """Today in China (Asia/Shanghai): the day the hub stamps on a step it records."""
    return datetime.now(CHINA).date()


class ReliefHub(
    RegistryCommands,
    UserCommands,
    PersonCommands,
    CaseCommands,
    ReferralCommands,
    AuditCommands,
    WageCommands,
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
        today: Callable[[], date] = china_today,
        max_backdate_days: int = DEFAULT_MAX_BACKDATE_DAYS,
    ) -> None:
        if len(person_key) < 16:
            raise ValueError("the person key must be at least 16 bytes")
        self.person_key = person_key
        self.hub_key = hub_key
        self.keys = keys
        self.calendar = calendar or WorkCalendar()
        self.today = today
        self.max_backdate_days = max_backdate_days
        self.links = LinkIndex()
        super().__init__(env=dict(env or {}))

    @contextmanager
    def backdating(self, days: int) -> Iterator[None]:
        """Widens the backdate window to ``days`` while loading history (the demo's seed)."""
        before = self.max_backdate_days
        self.max_backdate_days = max(before, days)
        try:
            yield
        finally:
            self.max_backdate_days = before

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        """Events just recorded (the library's hook): the link index keeps those it follows."""
        self.links.remember(recordings)
        super()._notify(recordings)

    def construct_mapper(self) -> Mapper[UUID]:
        return HubMapper(self.construct_transcoder(), self.hub_key, self.keys)

    def construct_event_store(self) -> EventStore[UUID]:
        return ChainedEventStore(self.mapper, self.recorder)

    def close(self) -> None:
        super().close()
        self.keys.close()

    def construct_transcoder(self) -> Transcoder:
        return hub_transcoder()
