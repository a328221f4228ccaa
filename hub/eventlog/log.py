"""One Kafka log as this process sees it: its replica, its writer, its follower, its listeners.

Every recorder of the same topic and replica file in a process shares one ``Log`` (taken
with ``acquire`` and given back with ``release``), so two Application objects in one process
never fence each other. Opening a log catches its replica up with the topic (within the log's
timeout; an unreachable broker leaves the replica as it was). The follower runs only while a
subscription is open; the writer starts on the first append.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from eventsourcing.persistence import StoredEvent, Tracking

from hub.eventlog.catchup import Follower, catch_up
from hub.eventlog.config import LogConfig
from hub.eventlog.replica import Replica
from hub.eventlog.writer import Writer

log = logging.getLogger(__name__)


class Listener(Protocol):
    def wake(self) -> None: ...


class Log:
    def __init__(self, config: LogConfig) -> None:
        self.config = config
        self.replica = Replica(config.replica_path)
        self.writer = Writer(config, self.replica, self.changed)
        self._listeners: set[Listener] = set()
        self._lock = threading.Lock()
        self._follower: Follower | None = None
        self._catch_up_on_open()

    def _catch_up_on_open(self) -> None:
        try:
            catch_up(self.config, self.replica, stall=self.config.timeout * 2)
        except Exception as error:
            log.warning(
                "hub log: replica of %s not caught up on open: %s", self.config.topic, error
            )

    def append(self, events: Sequence[StoredEvent], tracking: Tracking | None = None) -> list[int]:
        return self.writer.append(events, tracking)

    def submit(
        self,
        events: Sequence[StoredEvent],
        tracking: Tracking | None,
        on_done: Callable[[Sequence[int] | None, BaseException | None], None],
    ) -> bool:
        return self.writer.submit(events, tracking, on_done)

    def changed(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener.wake()

    def listen(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.add(listener)
            if self._follower is None:
                self._follower = Follower(self.config, self.replica, self.changed)

    def unlisten(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.discard(listener)
            follower = self._follower if not self._listeners else None
            if follower is not None:
                self._follower = None
        if follower is not None:
            follower.stop()

    def close(self) -> None:
        with self._lock:
            follower, self._follower = self._follower, None
            self._listeners.clear()
        if follower is not None:
            follower.stop()
        self.writer.close()
        self.replica.close()


_registry_lock = threading.Lock()
_registry: dict[tuple[str, str, str], tuple[Log, int]] = {}


def _key(config: LogConfig) -> tuple[str, str, str]:
    return (config.bootstrap_servers, config.topic, os.path.realpath(config.replica_path))


def acquire(config: LogConfig) -> Log:
    """The process's ``Log`` for this topic and replica, opened if need be."""
    key = _key(config)
    with _registry_lock:
        entry = _registry.get(key)
        if entry is None:
            entry = (Log(config), 0)
        _registry[key] = (entry[0], entry[1] + 1)
        return entry[0]


def release(shared: Log) -> None:
    key = _key(shared.config)
    with _registry_lock:
        entry = _registry.get(key)
        if entry is None or entry[0] is not shared:
            return
        if entry[1] > 1:
            _registry[key] = (shared, entry[1] - 1)
            return
        del _registry[key]
    shared.close()
