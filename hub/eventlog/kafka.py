"""The event log on Kafka as an ``eventsourcing`` persistence module: ``KafkaFactory``.

Selected with ``PERSISTENCE_MODULE=hub.eventlog.kafka:KafkaFactory``; its settings are in
``hub.eventlog.config``. The application and process recorders append through the log's
single writer (one Kafka transaction per call, group-committed) and read from the local
replica; ``subscribe()`` follows the replica, woken by this process's appends and by the
follower that applies what is committed to the topic. Tracking recorders (for followers
that keep their position beside this hub) and snapshot stores are the library's SQLite
recorders on a local file (``HUB_LOCAL_PATH``), not part of the log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InfrastructureFactory,
    ListenNotifySubscription,
    Notification,
    ProcessRecorder,
    StoredEvent,
    Tracking,
)
from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteDatastore, SQLiteTrackingRecorder
from eventsourcing.utils import Environment, EnvType, resolve_topic

from hub.eventlog import kafka_internals
from hub.eventlog import log as logs
from hub.eventlog.config import LogConfig
from hub.eventlog.errors import LogUnavailable, WriterFenced
from hub.eventlog.log import Log

__all__ = [
    "KafkaApplicationRecorder",
    "KafkaFactory",
    "KafkaProcessRecorder",
    "LogUnavailable",
    "WriterFenced",
]


class KafkaSubscription(ListenNotifySubscription["KafkaApplicationRecorder"]):
    """Notifications after ``gt`` from the replica, pulled again whenever the log changes."""

    def __init__(
        self, recorder: KafkaApplicationRecorder, gt: int | None = None, topics: Sequence[str] = ()
    ) -> None:
        self._log = recorder.log
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._log.listen(self)
        self.wake()  # pull again: something may have been applied before we listened

    def wake(self) -> None:
        self._has_been_notified.set()

    def stop(self) -> None:
        self._log.unlisten(self)
        super().stop()


class KafkaApplicationRecorder(ApplicationRecorder):
    def __init__(self, log: Log) -> None:
        self.log = log

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        tracking: Tracking | None = kwargs.get("tracking")
        if not stored_events and tracking is None:
            return []
        return self.log.append(stored_events, tracking)

    def submit_events(
        self,
        stored_events: Sequence[StoredEvent],
        tracking: Tracking | None,
        done: Callable[[Sequence[int] | None, BaseException | None], None],
    ) -> bool:
        """Queues an append for the log's writer and returns at once; ``done`` is called from
        the writer's thread once the group's transaction is settled. ``False`` (nothing
        queued) while the writer is not ready: the caller appends with :meth:`insert_events`."""
        return self.log.submit(stored_events, tracking, done)

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        return self.log.replica.select_events(originator_id, gt, lte, desc, limit)

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        return self.log.replica.select_notifications(start, limit, stop, topics, inclusive_of_start)

    def select_rows(self, after: int, limit: int) -> list[tuple[int, str, int, str, bytes]]:
        """See :meth:`hub.eventlog.replica.Replica.select_rows`."""
        return self.log.replica.select_rows(after, limit)

    def max_notification_id(self) -> int | None:
        return self.log.replica.max_notification_id()

    def subscribe(self, gt: int | None = None, topics: Sequence[str] = ()) -> KafkaSubscription:
        return KafkaSubscription(self, gt=gt, topics=topics)


class KafkaProcessRecorder(KafkaApplicationRecorder, ProcessRecorder):
    """Events and the upstream position they were made from, in the same transaction."""

    def insert_tracking(self, tracking: Tracking) -> None:
        self.log.append([], tracking)

    def max_tracking_id(self, application_name: str) -> int | None:
        return self.log.replica.max_tracking_id(application_name)


class KafkaFactory(InfrastructureFactory[SQLiteTrackingRecorder]):
    """The hub's log on a Kafka topic, with a local SQLite replica."""

    application_recorder_class = KafkaApplicationRecorder
    process_recorder_class = KafkaProcessRecorder
    aggregate_recorder_class = SQLiteAggregateRecorder
    tracking_recorder_class = SQLiteTrackingRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        kafka_internals.require_supported()  # at start, not at the first append
        super().__init__(env)
        self.config = LogConfig.from_env(self.env)
        self._logs: list[Log] = []
        self._local: SQLiteDatastore | None = None

    def log(self) -> Log:
        shared = logs.acquire(self.config)
        self._logs.append(shared)
        return shared

    def local_datastore(self) -> SQLiteDatastore:
        if self._local is None:
            self._local = SQLiteDatastore(db_name=self.config.local_path)
        return self._local

    def application_recorder(self) -> ApplicationRecorder:
        topic = self.env.get(self.APPLICATION_RECORDER_TOPIC)
        cls = resolve_topic(topic) if topic else self.application_recorder_class
        assert issubclass(cls, KafkaApplicationRecorder)
        return cls(self.log())

    def process_recorder(self) -> ProcessRecorder:
        topic = self.env.get(self.PROCESS_RECORDER_TOPIC)
        cls = resolve_topic(topic) if topic else self.process_recorder_class
        assert issubclass(cls, KafkaProcessRecorder)
        return cls(self.log())

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        recorder = self.aggregate_recorder_class(
            datastore=self.local_datastore(), events_table_name="stored_" + purpose
        )
        recorder.create_table()
        return recorder

    def tracking_recorder(
        self, tracking_recorder_class: type[SQLiteTrackingRecorder] | None = None
    ) -> SQLiteTrackingRecorder:
        if tracking_recorder_class is None:
            topic = self.env.get(self.TRACKING_RECORDER_TOPIC)
            tracking_recorder_class = (
                resolve_topic(topic) if topic else self.tracking_recorder_class
            )
        assert tracking_recorder_class is not None
        assert issubclass(tracking_recorder_class, SQLiteTrackingRecorder)
        recorder = tracking_recorder_class(datastore=self.local_datastore())
        recorder.create_table()
        return recorder

    def close(self) -> None:
        shared, self._logs = self._logs, []
        for each in shared:
            logs.release(each)
        if self._local is not None:
            self._local.close()
            self._local = None
