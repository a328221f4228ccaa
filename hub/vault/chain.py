"""The hash chain: each stored event carries the hash of the previous stored event of its stream.

The link is computed over the stored (encrypted) bytes, so destroying a person's key does not
break verification. A stored state is ``link (32 bytes) + payload``; the first event of a
stream links to 32 zero bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    AggregateRecorder,
    EventStore,
    Mapper,
    Notification,
    Recording,
    StoredEvent,
)

LINK_SIZE = 32
GENESIS = bytes(LINK_SIZE)


def link_of(stored: StoredEvent, stream: str | None = None) -> bytes:
    """The hash the next event of the stream must carry (``stream``: the originator id as a
    string, if the caller has it already)."""
    name = stream if stream is not None else stored.originator_id
    return link_over(name, stored.originator_version, stored.topic, stored.state)


def link_over(stream: object, version: int, topic: str, state: bytes) -> bytes:
    """:func:`link_of` from the stored event's parts."""
    digest = hashlib.sha256(f"{stream}|{version}|{topic}|".encode())
    digest.update(state)
    return digest.digest()


#: how many streams' last links an event store remembers
LINK_CACHE_SIZE = 100_000


class ChainedEventStore(EventStore[UUID]):
    """The library's event store, linking each new event to the last stored one of its stream.

    The link of each stream's last event written here is remembered by (stream, version),
    so the next append to the stream need not read it back. Stored events never change, so
    a remembered link is right even if another process wrote to the log meanwhile: an
    append of a version that is not the next one is refused by the recorder anyway.
    """

    def __init__(self, mapper: Mapper[UUID], recorder: AggregateRecorder) -> None:
        super().__init__(mapper, recorder)
        self._links: dict[tuple[UUID | str, int], bytes] = {}

    def put(
        self, domain_events: Sequence[DomainEventProtocol[UUID]], **kwargs: Any
    ) -> list[Recording[UUID]]:
        stored_events, links = self.prepare(domain_events)
        notification_ids = self.recorder.insert_events(stored_events, **kwargs)
        return self.recorded(domain_events, stored_events, links, notification_ids)

    def prepare(
        self, domain_events: Sequence[DomainEventProtocol[UUID]]
    ) -> tuple[list[StoredEvent], dict[UUID | str, bytes]]:
        """The events as they will be stored (encoded, encrypted, chained), and each stream's
        new last link, to remember once they are recorded (:meth:`recorded`)."""
        links: dict[UUID | str, bytes] = {}
        stored_events = []
        for event in domain_events:
            stored = self.mapper.to_stored_event(event)
            stream = stored.originator_id
            if stream not in links:
                links[stream] = self._last_link(stored)
            chained = StoredEvent(
                originator_id=stream,
                originator_version=stored.originator_version,
                topic=stored.topic,
                state=links[stream] + stored.state,
            )
            links[stream] = link_of(chained)
            stored_events.append(chained)
        return stored_events, links

    def recorded(
        self,
        domain_events: Sequence[DomainEventProtocol[UUID]],
        stored_events: Sequence[StoredEvent],
        links: dict[UUID | str, bytes],
        notification_ids: Sequence[int] | None,
    ) -> list[Recording[UUID]]:
        """What :meth:`prepare` made, now in the log: its links remembered, its recordings."""
        from hub import metrics  # here, not at import: commands that only read start faster

        metrics.appends.inc()
        metrics.append_events.observe(len(stored_events))
        self._remember(stored_events, links)
        if not notification_ids:
            return []
        return [
            Recording(
                d,
                Notification(
                    originator_id=s.originator_id,
                    originator_version=s.originator_version,
                    topic=s.topic,
                    state=s.state,
                    id=n,
                ),
            )
            for d, s, n in zip(domain_events, stored_events, notification_ids, strict=True)
        ]

    def _remember(self, written: Sequence[StoredEvent], links: dict[UUID | str, bytes]) -> None:
        last = {s.originator_id: int(s.originator_version) for s in written}
        for stream, version in last.items():
            self._links.pop((stream, version - 1), None)
            self._links[stream, version] = links[stream]
        while len(self._links) > LINK_CACHE_SIZE:
            self._links.pop(next(iter(self._links)))

    def _last_link(self, first_new: StoredEvent) -> bytes:
        if first_new.originator_version == 1:
            return GENESIS
        remembered = self._links.get(
            (first_new.originator_id, int(first_new.originator_version) - 1)
        )
        if remembered is not None:
            return remembered
        previous = self.recorder.select_events(
            first_new.originator_id, lte=int(first_new.originator_version) - 1, desc=True, limit=1
        )
        return link_of(previous[0]) if previous else GENESIS
