"""Turning event values into what view rows hold: text for ids and dates, JSON for the rest."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

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


def plain(value: Any) -> Any:
    """JSON-ready: UUIDs and dates as strings, containers recursively."""
    if isinstance(value, UUID | date | datetime):
        return text(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def details(event: DomainEvent) -> str:
    """The event's own fields as JSON text."""
    return json.dumps(
        plain({k: v for k, v in vars(event).items() if k not in EVENT_FIELDS}),
        ensure_ascii=False,
        sort_keys=True,
    )
