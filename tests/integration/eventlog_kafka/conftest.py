"""Fixtures of the Kafka log's own tests: fresh log environments and stored events."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import Environment
from kafka import KafkaProducer

from hub.eventlog.config import LogConfig, ensure_topic
from hub.eventlog.errors import LogUnavailable
from hub.eventlog.kafka import KafkaFactory
from hub.eventlog.reader import LogReader

EnvFactory = Callable[..., dict[str, str]]


def kafka_env(bootstrap: str, directory: Path, topic: str | None = None) -> dict[str, str]:
    name = uuid.uuid4().hex[:12]
    return {
        "PERSISTENCE_MODULE": "hub.eventlog.kafka:KafkaFactory",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "HUB_LOG_TOPIC": topic or f"test-{name}.events",
        "HUB_REPLICA_PATH": str(directory / f"replica-{name}.sqlite"),
        "HUB_LOG_TIMEOUT": "2",
    }


@pytest.fixture
def env_factory(kafka_bootstrap: str, tmp_path: Path) -> EnvFactory:
    """``env_factory(topic=None)``: a new replica path, on a new topic unless one is given."""
    return lambda topic=None: kafka_env(kafka_bootstrap, tmp_path, topic)


@pytest.fixture
def factories() -> Iterator[Callable[[dict[str, str]], KafkaFactory]]:
    """Opens factories and closes every one still open at the end of the test."""
    opened: list[KafkaFactory] = []

    def open_factory(env: dict[str, str]) -> KafkaFactory:
        factory = KafkaFactory(env)
        opened.append(factory)
        return factory

    yield open_factory
    for factory in opened:
        factory.close()


def event(originator_id: UUID, version: int, state: bytes = b"{}") -> StoredEvent:
    return StoredEvent(originator_id, version, "tests:Happened", state)


def append_once_back(recorder: Any, events: list[StoredEvent], seconds: float = 20) -> list[int]:
    """Appends ``events`` as soon as the writer takes appends again (it answers
    ``LogUnavailable`` until then); fails the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            ids: list[int] = recorder.insert_events(events)
            return ids
        except LogUnavailable:
            assert time.monotonic() < deadline, "the writer did not take appends again"
            time.sleep(0.5)


def committed_transactions(env: dict[str, str]) -> list[list[bytes]]:
    """The values of every committed transaction on the env's topic, in order."""
    config = LogConfig.from_env(Environment(env=env))
    reader = LogReader(config, 0)
    try:
        end = reader.end_offset()
        groups: list[list[bytes]] = []
        while reader.fetched < end:
            groups.extend([value for _, value in group] for group in reader.poll(0.5))
        return groups
    finally:
        reader.close()


def remove_replica(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def restore(env: dict[str, str], transactions: list[list[bytes]]) -> None:
    """Writes the transactions back as they were: what the broker's disk would have kept."""
    config = LogConfig.from_env(Environment(env=env))
    ensure_topic(config)
    producer = KafkaProducer(
        bootstrap_servers=config.bootstrap_servers, transactional_id=f"restore-{uuid.uuid4()}"
    )
    producer.init_transactions()
    for values in transactions:
        producer.begin_transaction()
        for value in values:
            producer.send(config.topic, value=value, partition=0)
        producer.commit_transaction()
    producer.close()
