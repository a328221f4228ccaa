"""What every group of command handlers needs from the Application."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    ProjectorFunction,
    Repository,
    project_aggregate,
)
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import ProcessRecorder, Recording, StoredEvent, Tracking

from domain.dates import BusinessDate, business_date
from domain.errors import NotFound
from domain.workdays import WorkCalendar
from hub.idempotency import IdempotentAnswer, Unit, answer_id, current_unit
from hub.identity.acting import stamp
from hub.vault.chain import ChainedEventStore

A = TypeVar("A", bound=Aggregate)


class ReplacingRepository(Repository[UUID]):
    """The library's repository, but a cached aggregate is never changed in place: one the
    log has moved on from is brought up to date as a copy, which replaces it in the cache.
    So an aggregate a command only reads (:meth:`HubBase.read`, not copied) stays the state
    it was, whatever another thread's load of the same aggregate does meanwhile."""

    def get(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        projector_func: ProjectorFunction[Any, Any] = project_aggregate,
        fastforward_skipping: bool = False,
        deepcopy_from_cache: bool = True,
    ) -> Any:
        if projector_func is project_aggregate and self.cache is not None:
            projector_func = self._replacing
        return super().get(
            aggregate_id,
            version=version,
            projector_func=projector_func,
            fastforward_skipping=fastforward_skipping,
            deepcopy_from_cache=deepcopy_from_cache,
        )

    def _replacing(self, aggregate: Any, events: Iterable[Any]) -> Any:
        if aggregate is None:  # made from the log, not from the cache
            return project_aggregate(aggregate, events)
        newer = list(events)
        if not newer:
            return aggregate
        fresh = project_aggregate(deepcopy(aggregate), newer)
        if fresh is not None and self.cache is not None:
            self.cache.put(fresh.id, fresh)
        return fresh


class HubBase(Application[UUID]):
    """Loading with the domain's own not-found error, a clock and the working calendar."""

    calendar: WorkCalendar
    today: Callable[[], date]
    max_backdate_days: int
    recorder: ProcessRecorder

    def business_day(self, on: date | None, reason: str | None, what: str) -> BusinessDate:
        """A step's business date: today in China unless given; earlier needs ``reason``."""
        return business_date(
            on,
            today=self.today(),
            reason=reason,
            max_backdate_days=self.max_backdate_days,
            what=what,
        )

    def construct_repository(self) -> Repository[UUID]:
        """The library's repository (its settings from the environment), replacing cached
        aggregates instead of changing them (:class:`ReplacingRepository`)."""
        made = super().construct_repository()
        repository = ReplacingRepository(
            made.event_store,
            snapshot_store=made.snapshot_store,
            fastforward=made.fastforward,
            fastforward_skipping=made.fastforward_skipping,
            deepcopy_from_cache=made.deepcopy_from_cache,
        )
        repository.cache = made.cache
        return repository

    def construct_recorder(self) -> ProcessRecorder:
        """A process recorder: answers from connectors record their consumer position too."""
        return self.factory.process_recorder()

    def load(self, kind: type[A], aggregate_id: UUID | str) -> A:
        """The aggregate, the command's own copy (it may change it and save it)."""
        return self._get(kind, aggregate_id, copy=True)

    def read(self, kind: type[A], aggregate_id: UUID | str) -> A:
        """The aggregate, for a command that only reads it: the aggregate cache's own object
        brought up to date, not a copy (the library's ``deepcopy_from_cache=False``). What it
        returns is never changed: a command that changes an aggregate loads it (:meth:`load`),
        and a newer state replaces the cached one (:class:`ReplacingRepository`)."""
        return self._get(kind, aggregate_id, copy=False)

    def _get(self, kind: type[A], aggregate_id: UUID | str, *, copy: bool) -> A:
        unit = current_unit()
        try:
            uuid = aggregate_id if isinstance(aggregate_id, UUID) else UUID(aggregate_id)
            if unit is None:
                aggregate = self.repository.get(uuid, deepcopy_from_cache=copy)
            elif uuid in unit.aggregates:
                aggregate = unit.aggregates[uuid]
            elif uuid in unit.loaded:  # a command's checks read it again: loaded once
                aggregate = unit.loaded[uuid]
            elif not copy and uuid in unit.read:
                aggregate = unit.read[uuid]
            else:
                unit.check_pending(uuid)
                aggregate = self.repository.get(uuid, deepcopy_from_cache=copy)
                (unit.loaded if copy else unit.read)[uuid] = aggregate
        except (AggregateNotFoundError, ValueError):
            raise NotFound(f"{kind.__name__} {aggregate_id} not found") from None
        if not isinstance(aggregate, kind):
            raise NotFound(f"{kind.__name__} {aggregate_id} not found")
        return aggregate

    def save_tracked(self, *objs: Aggregate | None, tracking: Tracking) -> None:
        """Saves with an upstream position, atomically (the library's process pattern)."""
        stamp(objs)
        processing = ProcessingEvent[UUID](tracking=tracking)
        processing.collect_events(*objs)
        self._notify(self._record(processing))

    def exists(self, aggregate_id: UUID) -> bool:
        unit = current_unit()
        if unit is not None:
            if aggregate_id in unit.aggregates:
                return True
            unit.check_pending(aggregate_id)
        return self.repository.__contains__(aggregate_id)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Saves now; or, inside a unit of work (:mod:`hub.idempotency`), holds the events
        back for the unit's one atomic record."""
        stamp(objs)
        unit = current_unit()
        if unit is None or kwargs:
            return super().save(*objs, **kwargs)
        unit.collect(objs)
        return []

    def commit_unit(self, unit: Unit, answer: IdempotentAnswer | None = None) -> None:
        """Records a unit's events and the key's answer atomically (one ``insert_events``);
        without an answer, a batch of commands recorded together (the demo's history)."""
        prepared = self.prepare_unit(unit, answer)
        self.unit_recorded(prepared, self.recorder.insert_events(prepared.stored))

    def prepare_unit(self, unit: Unit, answer: IdempotentAnswer | None = None) -> PreparedUnit:
        """A unit's events and the key's answer as they will be stored (encoded, encrypted,
        chained), to hand to the log in one append; :meth:`unit_recorded` once it is in."""
        pending = [*unit.events, *(answer.collect_events() if answer is not None else ())]
        events = self.events
        assert isinstance(events, ChainedEventStore)
        stored, links = events.prepare(pending)
        return PreparedUnit(pending, stored, links)

    def unit_recorded(self, prepared: PreparedUnit, notification_ids: Sequence[int] | None) -> None:
        """What :meth:`prepare_unit` made is in the log (with these notification ids)."""
        events = self.events
        assert isinstance(events, ChainedEventStore)
        self._notify(
            events.recorded(prepared.events, prepared.stored, prepared.links, notification_ids)
        )

    def recorded_answer(self, scope: str, key: str) -> IdempotentAnswer | None:
        """The answer kept in the log for ``key`` within ``scope``, if a command recorded one."""
        events = list(self.events.get(answer_id(scope, key), limit=1))
        if not events or not isinstance(events[0], IdempotentAnswer.Recorded):
            return None
        answer = events[0].mutate(None)
        return answer if isinstance(answer, IdempotentAnswer) else None


@dataclass(frozen=True)
class PreparedUnit:
    """A unit ready for the log: its domain events, them as stored, each stream's new link."""

    events: Sequence[DomainEventProtocol[UUID]]
    stored: list[StoredEvent]
    links: dict[UUID | str, bytes]

    @property
    def streams(self) -> set[UUID]:
        return {e.originator_id for e in self.events}


def plain(value: Any) -> Any:
    """Aggregate state as JSON-ready plain values (UUIDs and dates as strings)."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value
