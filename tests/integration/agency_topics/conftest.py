"""A hub on a Kafka log with the seven scenarios loaded, for the router and the replies."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from hub.access import Role
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


def read_topic(bootstrap: str, topic: str) -> list[Any]:
    """Every committed record of a one-partition topic."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        isolation_level="read_committed",
        enable_auto_commit=False,
        consumer_timeout_ms=500,
    )
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        end = consumer.end_offsets([tp])[tp]
        records: list[Any] = []
        while consumer.position(tp) < end:
            batch = consumer.poll(timeout_ms=1000)
            if not batch:
                break
            records.extend(batch.get(tp, []))
        return records
    finally:
        consumer.close()
