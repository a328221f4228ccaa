"""Group commit on the embedded log: one thread writes every append waiting, in one transaction.

An append handed over with :meth:`GroupWriter.submit` does not hold its caller (the API's event
loop) while SQLite commits: the writer thread takes every append waiting, writes each inside
its own savepoint of one transaction, and commits once (one fsync for the group). An append
that breaks the log's uniqueness of ``(originator_id, originator_version)`` (or whose tracking
mark is not past the recorded one) is rolled back to its savepoint and refused alone with the
library's ``IntegrityError``; the others keep their place. Each append's events stay
contiguous and in order. Only once the commit returned is any append answered: with its
notification ids, or, when the commit failed, every append of the group with that error.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from queue import SimpleQueue
from typing import TYPE_CHECKING

from eventsourcing.persistence import IntegrityError, StoredEvent, Tracking

from hub.eventlog.errors import LogUnavailable

if TYPE_CHECKING:
    from hub.eventlog.sqlite import SubscribableRecorderMixin

log = logging.getLogger(__name__)

#: at most this many appends share one transaction
MAX_GROUP = 256

#: called in the writer thread with the notification ids, or the error
Done = Callable[[Sequence[int] | None, BaseException | None], None]


@dataclass
class Submitted:
    events: Sequence[StoredEvent]
    tracking: Tracking | None
    done: Done
    ids: Sequence[int] | None = None
    error: BaseException | None = None


class GroupWriter:
    """The embedded log's writer thread (started on the first submit; see the module)."""

    def __init__(self, recorder: SubscribableRecorderMixin) -> None:
        self.recorder = recorder
        self._queue: SimpleQueue[Submitted | None] = SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, events: Sequence[StoredEvent], tracking: Tracking | None, done: Done) -> None:
        if self._thread is None:
            with self._lock:
                if self._closed:
                    done(None, LogUnavailable("the log is closed", 5))
                    return
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="hub-sqlite-writer", daemon=True
                    )
                    self._thread.start()
        self._queue.put(Submitted(events, tracking, done))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(10)
        while not self._queue.empty():  # handed over while closing: refused, never written
            left = self._queue.get()
            if left is not None:
                left.done(None, LogUnavailable("the log is closed", 5))

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            while len(group) < MAX_GROUP and not self._queue.empty():
                more = self._queue.get()
                if more is None:
                    self._queue.put(None)  # stop after this group
                    break
                group.append(more)
            try:
                self._write(group)
            except Exception as error:  # never let the writer die: this group fails, it goes on
                log.exception("hub log: writing a group failed")
                for each in group:
                    if each.ids is None and each.error is None:
                        each.done(None, LogUnavailable(f"the log writer failed ({error})", 5))

    def _write(self, group: list[Submitted]) -> None:
        from hub import metrics  # here, not at import: commands that only read start faster

        metrics.group_sizes.observe(len(group))
        recorder = self.recorder
        try:
            with recorder.datastore.transaction(commit=True) as c:
                for each in group:
                    c.execute("SAVEPOINT hub_append")
                    try:
                        ids = recorder._insert_events(c, each.events, tracking=each.tracking)
                    except (sqlite3.IntegrityError, IntegrityError) as error:
                        c.execute("ROLLBACK TO hub_append")
                        refused = isinstance(error, IntegrityError)
                        each.error = error if refused else IntegrityError(error)
                    else:
                        each.ids = ids
                    c.execute("RELEASE hub_append")
        except Exception as error:  # the commit (or the transaction) failed: nothing of it holds
            log.warning("hub log: a group commit of %d appends failed: %s", len(group), error)
            for each in group:
                if each.error is None:
                    each.ids, each.error = None, error
        for each in group:  # answered first: what follows a recording is done before followers read
            try:
                each.done(each.ids, each.error)
            except Exception:  # an answer that cannot be delivered must not stop the writer
                log.exception("hub log: answering an append failed")
        if any(each.error is None for each in group):
            recorder.wake_subscriptions()
