"""What the feeds, the reply applier, the link index and the read log need of the Application.

They run beside the Application (``hub.app.ReliefHub``) and are handed it, but import
neither it nor its command mixins: they depend on :class:`HubPort`, the few members they
use, and mypy checks that ``ReliefHub`` has them. A test double or another Application
with these members serves them as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, ProcessRecorder, Recording, Tracking

if TYPE_CHECKING:
    from hub.commands.links import LinkIndex

A = TypeVar("A", bound=Aggregate)


class LogPort(Protocol):
    """The Application's log, as the link index reads it."""

    @property
    def recorder(self) -> ProcessRecorder:
        """The log: its notifications, and the consumer positions recorded with them."""
        ...

    @property
    def mapper(self) -> Mapper[UUID]:
        """Turns the log's notifications back into domain events."""
        ...


class HubPort(LogPort, Protocol):
    """The Application as the router, replies, dead letters, feeds and read log see it."""

    @property
    def hub_key(self) -> bytes:
        """The key that seals personal data on the log (and in the routed records)."""
        ...

    @property
    def repository(self) -> Repository[UUID]: ...

    @property
    def links(self) -> LinkIndex:
        """Which agencies are registered, and who is linked to whom."""
        ...

    def load(self, kind: type[A], aggregate_id: UUID | str) -> A: ...

    def save(self, *objs: Any, **kwargs: Any) -> Sequence[Recording[UUID]]: ...

    def get_agency(self, agency_id: UUID) -> dict[str, Any]: ...

    def answer_referral(
        self,
        referral_id: UUID,
        by_agency: UUID,
        action: str,
        reason: str | None = None,
        outcome: dict[str, Any] | None = None,
        *,
        on_behalf_of: str | None = None,
        request_key: str | None = None,
        tracking: Tracking | None = None,
    ) -> str: ...

    def record_tracking(self, tracking: Tracking) -> None: ...


__all__ = ["HubPort", "LogPort"]
