"""The router's decoding of referral events, spread over worker processes.

Decrypting and decoding each stored event is most of the router's work, and one Python
process runs it on one core. :class:`Decoders` hands it to ``processes`` spawned worker
processes, each with a mapper of its own (the hub key reaches them through the pipe that
starts them, never a file or the environment), so that the router's process only builds and
publishes the records. With ``processes=0`` it decodes in the calling process.

Routed events are referral events only: they carry no person's sealed fields, so the workers
need no key store.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent

from hub.routing import RoutedEvent, routed_event
from hub.transcodings import hub_transcoder
from hub.vault.keystore import KeyStore
from hub.vault.mapper import HubMapper

#: seconds to wait for a batch from the workers before giving up on them
DECODE_TIMEOUT = 60.0

Row = tuple[
    int, str, int, str, bytes
]  # notification id, originator id (hex), version, topic, state

_mapper: HubMapper | None = None


class _NoPersonKeys:
    def data_key(self, person_id: object, *, create: bool = False) -> bytes | None:
        raise RuntimeError("the router decodes referral events only, never a person's")


def _start_worker(hub_key: bytes) -> None:
    global _mapper
    _mapper = HubMapper(hub_transcoder(), hub_key, cast(KeyStore, _NoPersonKeys()))


def _decode(rows: list[Row]) -> list[RoutedEvent]:
    assert _mapper is not None, "worker not started"
    return [
        routed_event(_mapper.to_domain_event(StoredEvent(UUID(hex=o), v, topic, state)), i)
        for i, o, v, topic, state in rows
    ]


def default_processes() -> int:
    """One worker per core beyond the router's own, at most two (none on one core)."""
    return max(0, min(2, (os.cpu_count() or 1) - 1))


class Decoders:
    def __init__(self, hub: Any, processes: int) -> None:
        self._hub = hub
        self.processes = processes
        self._pool = None
        if processes > 0:
            context = multiprocessing.get_context("spawn")
            self._pool = context.Pool(processes, initializer=_start_worker, initargs=(hub.hub_key,))
            self._pool.map(_decode, [[]] * processes)  # started and ready

    def submit(self, notifications: Sequence[Notification]) -> Callable[[], list[RoutedEvent]]:
        """Starts decoding ``notifications``; returns a call that waits for them, in order."""
        if self._pool is None:
            mapper = self._hub.mapper
            routed = [routed_event(mapper.to_domain_event(n), n.id) for n in notifications]
            return lambda: routed
        rows = [
            (n.id, n.originator_id.hex, n.originator_version, n.topic, n.state)
            for n in notifications
        ]
        size = max(1, -(-len(rows) // self.processes))
        pending = [
            self._pool.apply_async(_decode, (rows[i : i + size],))
            for i in range(0, len(rows), size)
        ]
        return lambda: [e for p in pending for e in p.get(timeout=DECODE_TIMEOUT)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
