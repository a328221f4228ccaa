"""What a group commit may take: the waiting appends, and the checks that admit each one.

Each append is checked against the replica and against the appends admitted before it in
the same group: one that repeats an ``(originator_id, originator_version)`` (its own, the
replica's or the group's), or whose tracking mark is not past the recorded one, is refused
alone with the library's ``IntegrityError``. The admitted ones get contiguous notification
ids, in order, and their records; an append's records are never split.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from eventsourcing.persistence import IntegrityError, StoredEvent, Tracking

from hub.eventlog.records import KeyedRecord, encode_event, encode_tracking, event_key
from hub.eventlog.replica import Replica, originator_key

MAX_GROUP_RECORDS = 10_000


@dataclass
class Append:
    """One ``insert_events`` call waiting for the writer."""

    events: Sequence[StoredEvent]
    tracking: Tracking | None
    done: threading.Event = field(default_factory=threading.Event)
    ids: list[int] = field(default_factory=list)
    error: BaseException | None = None
    #: called (in the writer's thread) with the ids or the error, for a caller that does not
    #: wait on :attr:`done`
    on_done: Callable[[Sequence[int] | None, BaseException | None], None] | None = None

    def finish(self, error: BaseException | None = None) -> None:
        self.error = error
        self.done.set()
        if self.on_done is not None:
            self.on_done(None if error is not None else self.ids, error)


def admit(replica: Replica, group: list[Append]) -> tuple[list[Append], list[KeyedRecord]]:
    """The appends admitted (the others are finished with ``IntegrityError``) and the records."""
    next_id = (replica.max_notification_id() or 0) + 1
    seen: set[tuple[str, int]] = set()
    marks: dict[str, int] = {}
    accepted: list[Append] = []
    records: list[KeyedRecord] = []
    for request in group:
        problem = conflict(replica, request, seen, marks)
        if problem:
            request.finish(IntegrityError(problem))
            continue
        for event in request.events:
            seen.add((originator_key(event.originator_id), event.originator_version))
            request.ids.append(next_id)
            records.append((event_key(event), encode_event(next_id, event)))
            next_id += 1
        if request.tracking is not None:
            marks[request.tracking.application_name] = request.tracking.notification_id
            records.append((None, encode_tracking(request.tracking)))
        accepted.append(request)
    return accepted, records


def conflict(
    replica: Replica, request: Append, seen: set[tuple[str, int]], marks: dict[str, int]
) -> str:
    """Why the append cannot be recorded, or ``""``."""
    keys = [(originator_key(e.originator_id), e.originator_version) for e in request.events]
    if len(set(keys)) != len(keys) or seen.intersection(keys):
        return "an event with this originator id and version is already being recorded"
    versions: dict[str, list[int]] = {}
    by_key = {originator_key(e.originator_id): e.originator_id for e in request.events}
    for key, version in keys:
        versions.setdefault(key, []).append(version)
    for key, numbers in versions.items():
        if replica.existing(by_key[key], numbers):
            return "an event with this originator id and version is already recorded"
    tracking = request.tracking
    if tracking is not None:
        name = tracking.application_name
        current = marks.get(name, replica.max_tracking_id(name))
        if current is not None and tracking.notification_id <= current:
            return f"notification {tracking.notification_id} of {name} is already tracked"
    return ""
