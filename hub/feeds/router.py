"""The router: follows the log and publishes each agency's feed records to its Kafka topic.

For every referral event it publishes the records of :mod:`hub.feeds.routing` to
``{prefix}.agency.<agency_id>`` (keyed by referral, so one referral's records stay in order)
and, in the same Kafka transaction, its own position to ``{prefix}.router.position``. After
any crash the next router reads that position back (``read_committed``) and goes on from it,
so each event reaches each agency exactly once, in log order. A second router with the same
``transactional.id`` fences the first: the first stops with :class:`RouterFenced`.

The router produces with ``confluent-kafka`` (librdkafka): every event becomes two records
and kafka-python's pure-Python producer, at about 10,000 records a second, was the router's
bound (docs/architecture.md, "Decisions"). Everything else of the hub speaks kafka-python.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from confluent_kafka import KafkaError, KafkaException, Producer
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError as KafkaPythonError

from hub.feeds.routing import ROUTED_TOPICS, Feeds, RoutedEventReader
from hub.feeds.topics import Topics, agency_topic, dead_letter_topic

if TYPE_CHECKING:
    from hub.ports import HubPort

log = logging.getLogger(__name__)

POSITION_KEY = b"position"


def read_position(bootstrap: str, topic: str) -> int:
    """The last committed router position (0 if none): the newest record of ``topic``."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        isolation_level="read_committed",
        enable_auto_commit=False,
        consumer_timeout_ms=500,
    )
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        consumer.seek_to_beginning(partition)
        end = consumer.end_offsets([partition])[partition]
        position = 0
        while consumer.position(partition) < end:
            batch = consumer.poll(timeout_ms=500)
            if not batch:
                break
            for record in batch.get(partition, []):
                position = max(position, int(record.value))
        return position
    finally:
        consumer.close()


class _News(threading.Event):
    """Set when the log changed (this process's appends or what its follower applied)."""

    def wake(self) -> None:
        self.set()


@dataclass(frozen=True)
class _Batch:
    """A batch of the log ready to publish: (topic, key, value) records, up to ``last``."""

    records: list[tuple[str, bytes, bytes]]
    last: int
    events: int


class RouterFenced(RuntimeError):
    """A newer router of this log took over (or the producer failed for good): stop here."""


def _producer(bootstrap: str, transactional_id: str) -> Producer:
    return Producer(
        {
            "bootstrap.servers": bootstrap,
            "transactional.id": transactional_id,
            "acks": "all",
            "linger.ms": 5,
            # the Java client's partitioner (and kafka-python's): a key maps to the same
            # partition whichever client produced it
            "partitioner": "murmur2_random",
            "logger": logging.getLogger("hub.feeds.router.kafka"),
        }
    )


def _fatal_is_fenced(operation: Callable[..., Any], *args: Any) -> Any:
    """Runs a producer call; a fatal error (fenced, most often) is :class:`RouterFenced`."""
    try:
        return operation(*args)
    except KafkaException as e:
        error: KafkaError = e.args[0]
        if error.fatal() or error.code() in (KafkaError._FENCED, KafkaError.PRODUCER_FENCED):
            raise RouterFenced(f"the router cannot go on: {error.str()}") from e
        raise


class Router:
    """Routes the log to the agency topics; see the module's text.

    While one batch commits (waiting on the brokers), the next is read and turned into
    records.
    """

    def __init__(
        self,
        hub: HubPort,
        bootstrap: str,
        prefix: str,
        batch_size: int = 1000,
        commit_timeout: float = 30.0,
    ) -> None:
        self.hub = hub
        self.bootstrap = bootstrap
        self.prefix = prefix
        self.batch_size = batch_size
        self.commit_timeout = commit_timeout  # seconds per attempt; a commit is retried
        self.position_topic = f"{prefix}.router.position"
        self.topics = Topics(bootstrap)
        self.topics.ensure(self.position_topic, compact=True)
        self.producer = _producer(bootstrap, f"{prefix}.router")
        # fences any earlier router of this log (and aborts what it left open)
        _fatal_is_fenced(self.producer.init_transactions, 30)
        self.position = read_position(bootstrap, self.position_topic)
        self.reader = RoutedEventReader(hub.hub_key)
        self.feeds = Feeds(hub)
        self._committer = ThreadPoolExecutor(1, thread_name_prefix="router-commit")

    def step(self) -> int:
        """Routes the next batch of the log in one transaction; returns events routed."""
        batch = self._prepare(self.position)
        if batch is None:
            return 0
        self._send(batch)
        self._commit()
        self.position = batch.last
        return batch.events

    def catch_up(self) -> int:
        """Routes to the end of the log; returns events routed.

        The position moves only when a batch's commit succeeded; a commit that cannot
        succeed is aborted and raises, and what was prepared after it is dropped.
        """
        routed = 0
        batch = self._prepare(self.position)
        while batch is not None:
            self._send(batch)
            committing = self._committer.submit(self._commit)
            try:
                following = self._prepare(batch.last)
            finally:
                routed += self._committed(committing, batch)
            batch = following
        return routed

    def _prepare(self, after: int) -> _Batch | None:
        """The next batch of the log after position ``after``, as records to publish."""
        notifications = self.hub.recorder.select_notifications(
            after + 1, self.batch_size, topics=ROUTED_TOPICS
        )
        if not notifications:
            return None
        records = []
        for n in notifications:
            for record in self.feeds.records(self.reader.read(n)):
                topic = agency_topic(self.prefix, record["agency_id"])
                records.append((topic, record["referral_id"].encode(), orjson.dumps(record)))
        return _Batch(records, notifications[-1].id, len(notifications))

    def _committed(self, commit: Future[None], batch: _Batch) -> int:
        commit.result()
        self.position = batch.last
        return batch.events

    def _send(self, batch: _Batch) -> None:
        """Begins the batch's transaction and produces its records and its position."""
        for topic in {topic for topic, _, _ in batch.records}:
            self.topics.ensure(topic, dead_letter_topic(topic))
        _fatal_is_fenced(self.producer.begin_transaction)
        try:
            for topic, key, value in batch.records:
                self._produce(topic, key, value)
            self._produce(self.position_topic, POSITION_KEY, str(batch.last).encode())
        except BaseException:
            self._abort()
            raise

    def _commit(self) -> None:
        """Commits the open transaction, however long the brokers take.

        A commit that timed out goes on inside librdkafka, and only asking again resumes it
        (aborting it then fails, and so would every later transaction): the router asks until
        it is done. An error that needs an abort aborts and raises, so the batch is routed
        again; a fatal one (fenced, most often) is :class:`RouterFenced`.
        """
        while True:
            try:
                _fatal_is_fenced(self.producer.commit_transaction, self.commit_timeout)
                return
            except KafkaException as e:
                error: KafkaError = e.args[0]
                if error.retriable():
                    log.warning("commit of the routed batch not done yet (%s)", error.name())
                    time.sleep(0.1)
                    continue
                if error.txn_requires_abort():
                    self._abort()
                raise

    def _abort(self) -> None:
        """Aborts the open transaction (if any): its records are discarded, the position stays
        where it was, and the same batch is routed again by this router or the next."""
        while True:
            try:
                _fatal_is_fenced(self.producer.abort_transaction, self.commit_timeout)
                return
            except KafkaException as e:
                if e.args[0].code() != KafkaError._TIMED_OUT:
                    return  # no transaction open, or nothing more this producer can do

    def _produce(self, topic: str, key: bytes, value: bytes) -> None:
        while True:
            try:
                _fatal_is_fenced(self.producer.produce, topic, value, key)
                return
            except BufferError:  # librdkafka's queue is full: let it send some
                self.producer.poll(0.05)

    def run(
        self,
        stop: threading.Event,
        idle_seconds: float = 0.05,
        on_batch: Callable[[int], None] = lambda n: None,
        retry_seconds: float = 2.0,
    ) -> None:
        """Routes until ``stop`` is set, woken as soon as the log changes.

        On the Kafka log, the process's replica follows appends made by other processes (the
        hub's writer) only while someone listens: the router listens for as long as it runs.
        A batch that fails (topics cannot be created, the transaction must be aborted) is
        routed again after ``retry_seconds``; a commit waits for the brokers as long as they
        are away; being fenced ends the run with :class:`RouterFenced`.
        """
        news = _News()
        log_ = getattr(self.hub.recorder, "log", None)  # the Kafka log; None on SQLite
        if log_ is not None:
            log_.listen(news)
        try:
            while not stop.is_set():
                news.clear()
                try:
                    routed = self.catch_up()
                except (KafkaException, KafkaPythonError) as e:
                    log.warning(
                        "routing batch after position %d failed (%s); retrying in %g s",
                        self.position,
                        type(e).__name__,
                        retry_seconds,
                    )
                    stop.wait(retry_seconds)
                    continue
                if routed:
                    on_batch(routed)
                else:
                    news.wait(idle_seconds)
        finally:
            if log_ is not None:
                log_.unlisten(news)

    def close(self) -> None:
        """Stops; a router fenced meanwhile has nothing of its own left to deliver (its open
        transaction is its successor's to abort), so its producer's fatal error is not raised
        again here."""
        self._committer.shutdown()
        try:
            self.producer.flush(2)
        except KafkaException as e:
            error = e.args[0] if e.args else None
            if not isinstance(error, KafkaError) or not error.fatal():
                raise
            log.info("router: closed after a fatal producer error: %s", error.str())
        finally:
            self.topics.close()
