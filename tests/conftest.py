"""Test-wide fixtures: which log the hub runs on, the broker, the database.

Every test that asks for ``log_env`` runs once per log selected with ``--log``
(``sqlite``, ``kafka`` or ``both``, the default). The Kafka-protocol broker is started once
per session, on a free loopback port, only when a selected test needs it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

LOGS = ("sqlite", "kafka")


def pytest_configure(config: pytest.Config) -> None:
    """Reads of personal data through the API are appended when the API stops, not every
    second, unless a test sets its own ``HUB_ACCESS_LOG_FLUSH_SECONDS``: a burst appended in
    the middle of a test would move the log position that many tests compare."""
    os.environ.setdefault("HUB_ACCESS_LOG_FLUSH_SECONDS", "3600")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--log",
        choices=[*LOGS, "both"],
        default="both",
        help="which event log the hub's tests run on (default: both)",
    )


def selected_logs(config: pytest.Config) -> list[str]:
    chosen = config.getoption("--log")
    return list(LOGS) if chosen == "both" else [chosen]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "log_kind" in metafunc.fixturenames:
        metafunc.parametrize("log_kind", selected_logs(metafunc.config), scope="session")


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A running Tansu broker for the whole session; yields ``host:port``."""
    from tests.support.tansu import running_broker

    with running_broker() as bootstrap:
        yield bootstrap


LogEnvFactory = Callable[[], dict[str, str]]


def new_log_env(log_kind: str, directory: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment of a new, empty log of ``log_kind`` with its files in ``directory``."""
    name = uuid.uuid4().hex[:12]
    if log_kind == "sqlite":
        return {
            "PERSISTENCE_MODULE": "hub.eventlog.sqlite:Factory",
            "SQLITE_DBNAME": str(directory / f"log-{name}.sqlite"),
        }
    bootstrap = request.getfixturevalue("kafka_bootstrap")
    return {
        "PERSISTENCE_MODULE": "hub.eventlog.kafka:KafkaFactory",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "HUB_LOG_TOPIC": f"test-{name}.events",
        "HUB_REPLICA_PATH": str(directory / f"replica-{name}.sqlite"),
    }


@pytest.fixture
def log_env_factory(log_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> LogEnvFactory:
    """Makes environments for fresh, empty logs of the selected kind (a new one per call)."""
    return lambda: new_log_env(log_kind, tmp_path, request)


@pytest.fixture
def log_env(log_env_factory: LogEnvFactory) -> dict[str, str]:
    """The environment of a fresh, empty log of the selected kind."""
    return log_env_factory()


@pytest.fixture(scope="module")
def module_log_env(
    log_kind: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, str]:
    """One fresh log of the selected kind shared by a test module."""
    return new_log_env(log_kind, tmp_path_factory.mktemp("log"), request)


POSTGRES_DSN = os.environ.get("HUB_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """The machine's PostgreSQL (trust auth, database ``test``)."""
    return POSTGRES_DSN
