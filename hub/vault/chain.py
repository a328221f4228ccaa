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
from eventsourcing.persistence import EventStore, Notification, Recording, StoredEvent

LINK_SIZE = 32
GENESIS = bytes(LINK_SIZE)


def link_of(stored: StoredEvent) -> bytes:
    """The hash the next event of the stream must carry."""
    head = f"{stored.originator_id}|{stored.originator_version}|{stored.topic}|".encode()
    return hashlib.sha256(head + stored.state).digest()


class ChainedEventStore(EventStore[UUID]):
    """The library's event store, linking each new event to the last stored one of its stream."""

    def put(
        self, domain_events: Sequence[DomainEventProtocol[UUID]], **kwargs: Any
    ) -> list[Recording[UUID]]:
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
        notification_ids = self.recorder.insert_events(stored_events, **kwargs)
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

    def _last_link(self, first_new: StoredEvent) -> bytes:
        if first_new.originator_version == 1:
            return GENESIS
        previous = self.recorder.select_events(
            first_new.originator_id, lte=int(first_new.originator_version) - 1, desc=True, limit=1
        )
        return link_of(previous[0]) if previous else GENESIS
