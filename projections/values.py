"""Turning event values into what view rows hold: text for ids and dates, JSON for the rest."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from eventsourcing.domain import DomainEvent

#: attributes every event has, left out of an event's recorded details
EVENT_FIELDS = {"originator_id", "originator_version", "originator_topic", "timestamp"}


def text(value: Any) -> str | None:
    """UUIDs and dates as text, None kept."""
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def fields(event: DomainEvent) -> dict[str, Any]:
    """The event's own fields (ids and dates become text when the row is written)."""
    return {k: v for k, v in vars(event).items() if k not in EVENT_FIELDS}
