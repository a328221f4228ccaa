"""What every group of command handlers needs from the Application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking

from domain.errors import NotFound, NotParty
from domain.workdays import WorkCalendar

A = TypeVar("A", bound=Aggregate)


class HubBase(Application[UUID]):
    """Loading with the domain's own not-found error, a clock and the working calendar."""

    calendar: WorkCalendar
    today: Callable[[], date]

    def load(self, kind: type[A], aggregate_id: UUID | str) -> A:
        try:
            aggregate = self.repository.get(UUID(str(aggregate_id)))
        except (AggregateNotFoundError, ValueError):
            raise NotFound(f"{kind.__name__} {aggregate_id} not found") from None
        if not isinstance(aggregate, kind):
            raise NotFound(f"{kind.__name__} {aggregate_id} not found")
        return aggregate

    def save_tracked(self, *objs: Aggregate | None, tracking: Tracking) -> None:
        """Saves with an upstream position, atomically (the library's process pattern)."""
        processing = ProcessingEvent[UUID](tracking=tracking)
        processing.collect_events(*objs)
        self._notify(self._record(processing))

    def exists(self, aggregate_id: UUID) -> bool:
        return self.repository.__contains__(aggregate_id)

    @staticmethod
    def require_party(allowed: bool, what: str) -> None:
        if not allowed:
            raise NotParty(f"{what}: the acting agency is not a party")


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
