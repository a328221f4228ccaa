"""The embedded log: the library's SQLite persistence module, with ``subscribe()``.

``eventsourcing.sqlite`` records events in a durable SQLite file but its application
recorder raises ``NotImplementedError`` from ``subscribe()``. This module adds a subscription
so that projections and the router follow the embedded log exactly as they follow Kafka:

- in the same process, every committed ``insert_events`` wakes the subscriptions open on
  the same database file at once;
- appends made by another process are seen by polling ``select_notifications`` every
  ``SQLITE_POLL_INTERVAL`` seconds (default 0.2).

SQLite serialises writers and a row id is visible only once its transaction has committed,
so notification ids become visible in order and a subscription never skips one.

Selected with ``PERSISTENCE_MODULE=hub.eventlog.sqlite:Factory`` and ``SQLITE_DBNAME``.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Sequence
from functools import cached_property
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    ApplicationRecorder,
    ListenNotifySubscription,
    Notification,
    ProcessRecorder,
    StoredEvent,
    Tracking,
)
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteDatastore,
    SQLiteFactory,
    SQLiteProcessRecorder,
)
from eventsourcing.utils import Environment, EnvType

from hub.eventlog.replica import notifications_query, uuid_text
from hub.eventlog.sqlite_group import Done, GroupWriter
from hub.eventlog.sqlite_reads import ThreadReads

DEFAULT_POLL_INTERVAL = 0.2


class _Wakers:
    """Subscriptions open in this process, by database, to wake after a commit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_db: dict[str, weakref.WeakSet[SQLiteSubscription]] = {}

    def add(self, key: str, subscription: SQLiteSubscription) -> None:
        with self._lock:
            self._by_db.setdefault(key, weakref.WeakSet()).add(subscription)

    def discard(self, key: str, subscription: SQLiteSubscription) -> None:
        with self._lock:
            subscriptions = self._by_db.get(key)
            if subscriptions is not None:
                subscriptions.discard(subscription)
                if not subscriptions:
                    del self._by_db[key]

    def wake(self, key: str) -> None:
        with self._lock:
            subscriptions = list(self._by_db.get(key, ()))
        for subscription in subscriptions:
            subscription.wake()


_wakers = _Wakers()


def database_key(datastore: SQLiteDatastore) -> str:
    """One key per database: the real path of a file, or the datastore for ``:memory:``."""
    name = datastore.pool.db_name
    if name == ":memory:":
        return f"memory:{id(datastore)}"
    if datastore.pool.is_sqlite_memory_mode:
        return name
    path = name.removeprefix("file:").split("?", 1)[0]
    return os.path.realpath(path)


class SQLiteSubscription(ListenNotifySubscription["SubscribableRecorderMixin"]):
    """Pulls notifications after ``gt``; woken in-process on commit, else every poll.

    ``settle`` (seconds, 0 by default) is how long the pulling thread rests after each pull:
    the commits meanwhile are taken together by the next one (the wake is kept), so a
    follower that need not see each commit at once (the notifier) pulls a few times a second
    under load instead of once per commit.
    """

    settle: float = 0.0

    def __init__(
        self,
        recorder: SubscribableRecorderMixin,
        gt: int | None = None,
        topics: Sequence[str] = (),
    ) -> None:
        self._key = database_key(recorder.datastore)
        self._poll_interval = recorder.poll_interval
        self._stopping = threading.Event()
        _wakers.add(self._key, self)
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._poll_thread = threading.Thread(target=self._poll, daemon=True)
        self._poll_thread.start()

    def wake(self) -> None:
        self._has_been_notified.set()

    def stop(self) -> None:
        _wakers.discard(self._key, self)
        self._stopping.set()
        super().stop()

    def __exit__(self, *args: object, **kwargs: Any) -> None:
        try:
            super().__exit__(*args, **kwargs)
        finally:
            self._poll_thread.join()

    def _pull(self) -> None:
        super()._pull()
        if self.settle > 0:
            self._stopping.wait(self.settle)

    def _poll(self) -> None:
        # Another process's appends wake nobody here: look again every interval.
        while not self._stopping.wait(self._poll_interval):
            self._has_been_notified.set()


class SubscribableRecorderMixin(SQLiteApplicationRecorder):
    """Wakes this process's subscriptions after each committed insert; adds subscribe()."""

    poll_interval: float = DEFAULT_POLL_INTERVAL

    #: appends handed over without waiting (:meth:`submit_events`), written by one thread
    group_writer: GroupWriter | None = None

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        notification_ids = super().insert_events(stored_events, **kwargs)
        self.wake_subscriptions()
        return notification_ids

    def submit_events(
        self, stored_events: Sequence[StoredEvent], tracking: Tracking | None, done: Done
    ) -> bool:
        """Hands an append to the log's writer thread (group commit, :mod:`hub.eventlog.
        sqlite_group`) and returns at once; ``done`` is called from that thread with the
        notification ids or the error once the append's transaction committed or failed."""
        if self.group_writer is None:
            self.group_writer = GroupWriter(self)
        self.group_writer.submit(stored_events, tracking, done)
        return True

    def close_own(self) -> None:
        """Stops the writer thread (it answers what it took) and closes the reads' connections."""
        if self.group_writer is not None:
            self.group_writer.close()
        reads = self.__dict__.get("_reads")
        if reads is not None:
            reads.close()

    @cached_property
    def _reads(self) -> ThreadReads | None:
        pool = self.datastore.pool
        if pool.is_sqlite_memory_mode:  # one shared in-memory database: the pool's interlocking
            return None
        return ThreadReads(pool.db_name, pool.lock_timeout or 5)

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        """The library's ``select_events``, read on this thread's connection in one statement
        (:mod:`hub.eventlog.sqlite_reads`): what every load of an aggregate asks."""
        reads = self._reads
        if reads is None:
            return super().select_events(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)
        sql = (
            "SELECT originator_id, originator_version, topic, state "
            f"FROM {self.events_table_name} WHERE originator_id=? "
        )
        params: list[Any] = [
            originator_id.hex if isinstance(originator_id, UUID) else originator_id
        ]
        if gt is not None:
            sql += "AND originator_version>? "
            params.append(gt)
        if lte is not None:
            sql += "AND originator_version<=? "
            params.append(lte)
        sql += "ORDER BY originator_version " + ("DESC " if desc else "ASC ")
        if limit is not None:
            sql += "LIMIT ? "
            params.append(limit)
        convert = self.convert_originator_id
        return [
            StoredEvent(
                originator_id=convert(r[0]), originator_version=r[1], topic=r[2], state=r[3]
            )
            for r in reads.rows(sql, params)
        ]

    def wake_subscriptions(self) -> None:
        _wakers.wake(self.database_key)

    @cached_property
    def database_key(self) -> str:
        """:func:`database_key` of this recorder's datastore, resolved once (a real path)."""
        return database_key(self.datastore)

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        """The library's ``select_notifications``, read as :meth:`select_events` is: what the
        link index, the subscriptions and the feeds ask after each append."""
        reads = self._reads
        if reads is None:
            return super().select_notifications(
                start, limit, stop, topics, inclusive_of_start=inclusive_of_start
            )
        sql, params = notifications_query(
            "SELECT rowid, originator_id, originator_version, topic, state "
            f"FROM {self.events_table_name}",
            "rowid",
            start,
            limit,
            stop,
            topics,
            inclusive_of_start,
        )
        convert = self.convert_originator_id
        return [
            Notification(
                id=r[0],
                originator_id=convert(r[1]),
                originator_version=r[2],
                topic=r[3],
                state=r[4],
            )
            for r in reads.rows(sql, params)
        ]

    def subscribe(self, gt: int | None = None, topics: Sequence[str] = ()) -> SQLiteSubscription:
        return SQLiteSubscription(recorder=self, gt=gt, topics=topics)

    def select_rows(self, after: int, limit: int) -> list[tuple[int, str, int, str, bytes]]:
        """Stored events after position ``after``, as plain rows (position, originator id as
        text, a UUID in its usual form, version, topic, state): for reading the whole log without building a
        notification and a UUID per event, as ``hub audit verify`` does."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT rowid, originator_id, originator_version, topic, state "
                f"FROM {self.events_table_name} WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (after, limit),
            )
            rows = c.fetchall()
        if self.datastore.originator_id_type == "uuid":  # stored as 32 hex digits
            return [(r[0], uuid_text(r[1]), r[2], r[3], r[4]) for r in rows]
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


class ApplicationRecorderWithSubscribe(SubscribableRecorderMixin):
    pass


class ProcessRecorderWithSubscribe(SubscribableRecorderMixin, SQLiteProcessRecorder):
    pass


class Factory(SQLiteFactory):
    """The library's SQLite factory, whose application and process recorders subscribe."""

    SQLITE_POLL_INTERVAL = "SQLITE_POLL_INTERVAL"

    application_recorder_class = ApplicationRecorderWithSubscribe
    process_recorder_class = ProcessRecorderWithSubscribe

    def __init__(self, env: Environment | EnvType | None):
        super().__init__(env)
        raw = (self.env.get(self.SQLITE_POLL_INTERVAL) or "").strip()
        try:
            self.poll_interval = float(raw) if raw else DEFAULT_POLL_INTERVAL
        except ValueError:
            raise OSError(
                f"SQLite environment value for key '{self.SQLITE_POLL_INTERVAL}' must be "
                f"a number of seconds: {raw!r}"
            ) from None
        if self.poll_interval <= 0:
            raise OSError(f"'{self.SQLITE_POLL_INTERVAL}' must be positive: {raw!r}")
        self._writing: list[SubscribableRecorderMixin] = []

    def application_recorder(self) -> ApplicationRecorder:
        recorder = super().application_recorder()
        if isinstance(recorder, SubscribableRecorderMixin):
            recorder.poll_interval = self.poll_interval
            self._writing.append(recorder)
        return recorder

    def process_recorder(self) -> ProcessRecorder:
        recorder = super().process_recorder()
        if isinstance(recorder, SubscribableRecorderMixin):
            recorder.poll_interval = self.poll_interval
            self._writing.append(recorder)
        return recorder

    def close(self) -> None:
        """Stops the recorders' writer threads (each answers what it took), then closes."""
        writing, self._writing = self._writing, []
        for recorder in writing:
            recorder.close_own()
        super().close()
