"""Bringing the replica up to the topic: once (catch up, rebuild) or continuously (follow).

Each poll's committed groups are applied to the replica in one SQLite transaction together
with the reader's safe position, so a crash never skips a group nor applies one twice.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable

from hub.eventlog.config import LogConfig, ensure_topic, topic_exists
from hub.eventlog.reader import Committed, LogReader
from hub.eventlog.replica import Replica, ReplicaDiverged

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def prepare_topic(config: LogConfig, replica: Replica) -> None:
    """Creates the topic for a new log; a missing topic behind a used replica is divergence."""
    position = replica.position()
    if position == 0:
        ensure_topic(config)
    elif not topic_exists(config):
        raise ReplicaDiverged(
            f"topic {config.topic} is missing but the replica has read it to offset {position}"
        )


def catch_up(
    config: LogConfig,
    replica: Replica,
    stall: float,
    on_applied: Callable[[], None] = lambda: None,
    progress: Progress | None = None,
) -> int:
    """Applies everything committed up to the topic's end as it is now; returns the end.

    However long the topic, it reads on while it gets anywhere; ``TimeoutError`` when
    nothing new arrived for ``stall`` seconds.

    Fetching and applying overlap: a second thread writes each poll's groups to SQLite
    (which lets go of the GIL while it works) while the next poll is fetched and parsed.
    """
    reader = LogReader(config, replica.position())
    applier = _Applier(replica, on_applied)
    try:
        end = reader.end_offset()
        if end < replica.position():
            raise ReplicaDiverged(
                f"topic {config.topic} ends at offset {end} but the replica has read it to "
                f"offset {replica.position()}: the topic was lost or replaced"
            )
        moved, fetched = time.monotonic(), reader.fetched
        while reader.fetched < end:
            if reader.fetched > fetched:
                moved, fetched = time.monotonic(), reader.fetched
            elif time.monotonic() - moved > stall:
                raise TimeoutError(f"log not read past offset {fetched} (end {end}) in time")
            groups = reader.poll(0.5)
            applier.put(groups, reader.position)
            if progress is not None:
                progress(reader.fetched, end)
        applier.finish()
        return end
    finally:
        applier.stop()
        reader.close()


class _Applier:
    """Applies polled groups in order on its own thread; re-raises its failure to the caller."""

    def __init__(self, replica: Replica, on_applied: Callable[[], None]) -> None:
        self._replica = replica
        self._on_applied = on_applied
        self._queue: queue.Queue[tuple[list[Committed], int] | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="hub-log-apply", daemon=True)
        self._thread.start()

    def put(self, groups: list[Committed], position: int) -> None:
        self._raise()
        self._queue.put((groups, position))

    def finish(self) -> None:
        self.stop()
        self._raise()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain after a failure
            groups, position = item
            try:
                if self._replica.apply(itertools.chain.from_iterable(groups), position):
                    self._on_applied()
            except BaseException as error:
                self._error = error


class Follower:
    """A thread that applies what others commit to the log, while anyone needs it."""

    def __init__(self, config: LogConfig, replica: Replica, on_applied: Callable[[], None]):
        self.config = config
        self.replica = replica
        self._on_applied = on_applied
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub-log-follower", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(self.config.timeout + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._follow()
            except Exception as error:  # broker away or replica diverged: try again later
                log.warning("hub log follower: %s", error)
                self._stop.wait(self.config.retry_after)

    def _follow(self) -> None:
        reader = LogReader(self.config, self.replica.position())
        try:
            while not self._stop.is_set():
                groups = reader.poll(0.2)
                moved = reader.position > self.replica.position() or groups
                if moved and self.replica.apply(
                    itertools.chain.from_iterable(groups), reader.position
                ):
                    self._on_applied()
        finally:
            reader.close()
