"""The router: follows the log and publishes each agency's feed records to its Kafka topic.

For every referral event it publishes the records of :mod:`hub.routing` to
``{prefix}.agency.<agency_id>`` (keyed by referral, so one referral's records stay in order)
and, in the same Kafka transaction, its own position to ``{prefix}.router.position``. After
any crash the next router reads that position back (``read_committed``) and goes on from it,
so each event reaches each agency exactly once, in log order. A second router with the same
``transactional.id`` fences the first.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from hub.routing import ROUTED_TOPICS, ReferralStates, feed_records

POSITION_KEY = b"position"


def agency_topic(prefix: str, agency_id: str) -> str:
    return f"{prefix}.agency.{agency_id}"


def dead_letter_topic(topic: str) -> str:
    """Where the agency's connector puts the records of ``topic`` it gave up on."""
    return f"{topic}.dlq"


class Topics:
    """Creates topics the first time they are needed (kept forever, like the log).

    Replication factor -1 takes the broker's ``default.replication.factor`` (KIP-464): 3 in
    the production cluster, whose ``min.insync.replicas`` of 2 a one-replica topic could
    never satisfy for ``acks=all``.
    """

    def __init__(self, bootstrap: str, replication_factor: int = -1) -> None:
        self._admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="hub-router-admin")
        self._known: set[str] = set(self._admin.list_topics())
        self._replication = replication_factor

    def ensure(self, *names: str, compact: bool = False) -> None:
        """Creates each of ``names`` that does not exist yet (one partition, kept forever)."""
        configs = {"cleanup.policy": "compact"} if compact else {"retention.ms": "-1"}
        for name in names:
            if name in self._known:
                continue
            with contextlib.suppress(TopicAlreadyExistsError):
                self._admin.create_topics(
                    [NewTopic(name, 1, self._replication, topic_configs=configs)]
                )
            self._known.add(name)

    def close(self) -> None:
        self._admin.close()


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


class _OneBatch:
    """The hub as :func:`feed_records` reads it for one batch: each agency loaded once."""

    def __init__(self, hub: Any) -> None:
        self._hub = hub
        self.repository = hub.repository
        self._agencies: dict[Any, dict[str, Any]] = {}

    def get_agency(self, agency_id: Any) -> dict[str, Any]:
        if agency_id not in self._agencies:
            self._agencies[agency_id] = self._hub.get_agency(agency_id)
        return self._agencies[agency_id]


class Router:
    def __init__(self, hub: Any, bootstrap: str, prefix: str, batch_size: int = 200) -> None:
        self.hub = hub
        self.bootstrap = bootstrap
        self.prefix = prefix
        self.batch_size = batch_size
        self.position_topic = f"{prefix}.router.position"
        self.topics = Topics(bootstrap)
        self.topics.ensure(self.position_topic, compact=True)
        self.producer = KafkaProducer(
            bootstrap_servers=bootstrap,
            transactional_id=f"{prefix}.router",
            acks="all",
            linger_ms=5,
        )
        self.producer.init_transactions()  # fences any earlier router of this log
        self.position = read_position(bootstrap, self.position_topic)
        self.states = ReferralStates(hub)

    def step(self) -> int:
        """Routes the next batch of the log in one transaction; returns events routed."""
        notifications = self.hub.recorder.select_notifications(
            self.position + 1, self.batch_size, topics=ROUTED_TOPICS
        )
        if not notifications:
            return 0
        outgoing = []
        hub = _OneBatch(self.hub)
        for n in notifications:
            event = self.hub.mapper.to_domain_event(n)
            for record in feed_records(hub, event, n.id, self.states):
                topic = agency_topic(self.prefix, record["agency_id"])
                self.topics.ensure(topic, dead_letter_topic(topic))
                outgoing.append((topic, record["referral_id"].encode(), orjson.dumps(record)))
        last = notifications[-1].id
        self.producer.begin_transaction()
        try:
            for topic, key, value in outgoing:
                self.producer.send(topic, key=key, value=value)
            self.producer.send(self.position_topic, key=POSITION_KEY, value=str(last).encode())
            self.producer.commit_transaction()
        except BaseException:
            self._abort()
            raise
        self.position = last
        return len(notifications)

    def _abort(self) -> None:
        # The producer may be fenced or broken; the next router re-reads its position.
        with contextlib.suppress(Exception):
            self.producer.abort_transaction()

    def run(
        self,
        stop: threading.Event,
        idle_seconds: float = 0.05,
        on_batch: Callable[[int], None] = lambda n: None,
    ) -> None:
        """Routes until ``stop`` is set, woken as soon as the log changes.

        On the Kafka log, the process's replica follows appends made by other processes (the
        hub's writer) only while someone listens: the router listens for as long as it runs.
        """
        news = _News()
        log = getattr(self.hub.recorder, "log", None)  # the Kafka log; None on SQLite
        if log is not None:
            log.listen(news)
        try:
            while not stop.is_set():
                news.clear()
                routed = self.step()
                if routed:
                    on_batch(routed)
                else:
                    news.wait(idle_seconds)
        finally:
            if log is not None:
                log.unlisten(news)

    def close(self) -> None:
        self.producer.close(timeout=2)
        self.topics.close()
