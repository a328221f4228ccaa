"""Kafka helpers for the connector tests: settings for a fresh prefix, feed records in, topics out.

The router does not exist yet, so tests produce feed records to the agency topic themselves.
Topics are read by manual assignment (no consumer group, so no join wait on Tansu).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import orjson
from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import TopicPartition

from connectors.settings import ConnectorSettings
from tests.integration.connectors.feed import feed_record


def kafka_settings(bootstrap: str, **changes: Any) -> ConnectorSettings:
    """A connector on a fresh topic prefix, with consumer timeouts low enough for Tansu."""
    return ConnectorSettings(
        agency_id=str(uuid.uuid4()),
        transport="kafka",
        kafka_bootstrap=bootstrap,
        topic_prefix=f"t{uuid.uuid4().hex[:10]}",
        kafka_session_timeout_ms=3000,
        kafka_max_poll_interval_ms=1000,
        backoff_base=0.02,
        backoff_cap=0.2,
        max_attempts=3,
    ).with_(**changes)


def produce_feed(
    bootstrap: str, settings: ConnectorSettings, records: list[dict[str, Any]]
) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    try:
        for r in records:
            key = r["referral_id"].encode()
            producer.send(settings.agency_topic, key=key, value=orjson.dumps(r)).get(10)
    finally:
        producer.close()


def new_referrals(
    settings: ConnectorSettings, count: int, first_position: int = 1
) -> list[dict[str, Any]]:
    return [
        feed_record(settings.agency_id, first_position + i, incoming=True) for i in range(count)
    ]


def read_topic(bootstrap: str, topic: str, expect: int, timeout: float = 15.0) -> list[Any]:
    """Every message of ``topic`` once at least ``expect`` are there (plus a short settle)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed")
    try:
        deadline = time.monotonic() + timeout
        partitions = None
        while not partitions and time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic)
            if not partitions:
                consumer.poll(100)
        tps = [TopicPartition(topic, p) for p in sorted(partitions or [])]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        messages: list[Any] = []
        settle: float | None = None
        while time.monotonic() < deadline:
            for batch in consumer.poll(200).values():
                messages += batch
            if len(messages) >= expect:
                settle = settle or time.monotonic() + 0.5
                if time.monotonic() > settle:
                    break
        return messages
    finally:
        consumer.close()


def run_until(step: Callable[[], Any], done: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        step()
