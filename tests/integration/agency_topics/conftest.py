"""A hub on a Kafka log with the seven scenarios loaded, for the router and the replies."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.demo.driver import Driver
from hub.demo.scenarios import load_all
from hub.settings import Settings
from tests.conftest import new_log_env

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.kafka


@pytest.fixture
def kafka_hub(
    kafka_bootstrap: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Services, dict[str, str], Driver]]:
    """Services on a fresh Kafka log, the log's env, and a driver with the scenarios run."""
    env = new_log_env("kafka", tmp_path, request)
    services = build(Settings(data_dir=tmp_path / "hub"), env)
    driver = Driver(
        TestClient(create_app(services)), services.access.issue(Role.ADMIN, None, "admin")
    )
    load_all(driver)
    yield services, env, driver
    services.close()


def read_topic(bootstrap: str, topic: str, *, exists: bool = False) -> list[Any]:
    """Every committed record of a topic, partition by partition, each in offset order.

    A topic the broker does not list yet is read as empty, unless it ``exists`` (records are
    expected in it): then it is waited for, as a topic a process has just created may reach
    a new client's metadata a moment later."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        isolation_level="read_committed",
        enable_auto_commit=False,
        consumer_timeout_ms=500,
    )
    try:
        deadline = time.monotonic() + (20 if exists else 0)
        partitions = consumer.partitions_for_topic(topic)
        while not partitions and time.monotonic() < deadline:
            time.sleep(0.2)
            consumer.topics()  # a fresh look at the cluster's topics
            partitions = consumer.partitions_for_topic(topic)
        tps = [TopicPartition(topic, p) for p in sorted(partitions or ())]
        if not tps:  # no such topic
            return []
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        records: list[Any] = []
        # a poll may return nothing while the position moves over aborted transactions
        deadline = time.monotonic() + 30
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            assert time.monotonic() < deadline, f"{topic} not read to its end"
            for part in consumer.poll(timeout_ms=500).values():
                records.extend(part)
        return sorted(records, key=lambda r: (r.partition, r.offset))
    finally:
        consumer.close()
