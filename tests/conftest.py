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
from typing import Any

import pytest

LOGS = ("sqlite", "kafka")


def pytest_configure(config: pytest.Config) -> None:
    """Reads of personal data through the API are appended when the API stops, not every
    second, unless a test sets its own ``HUB_ACCESS_LOG_FLUSH_SECONDS``: a burst appended in
    the middle of a test would move the log position that many tests compare."""
    os.environ.setdefault("HUB_ACCESS_LOG_FLUSH_SECONDS", "3600")
    # the demo's scenarios, which many tests run through the API, are dated in 2020–2022 as
    # the seed report tells them; ``hub demo`` widens the window the same way
    # (HUB_DEMO_BACKDATE_DAYS). Tests of the window set their own.
    os.environ.setdefault("HUB_MAX_BACKDATE_DAYS", "3650")
    # the demo's network alone adds 77 officials (a hash and a sign-in each), and many
    # fixtures load it: at argon2id's standard cost that is half a minute of CPU every time.
    # The tests hash at the light cost unless told otherwise; the standard one is held to
    # its parameters in tests/unit/hub/test_password_cost.py.
    os.environ.setdefault("HUB_PASSWORD_COST", "light")
    # Hypothesis's deadline (200 ms an example) measures the machine, not the code: with the
    # suite's workers and other jobs on two cores an example sometimes takes longer, and the
    # test then fails as flaky. The properties themselves are checked as before.
    from hypothesis import settings

    settings.register_profile("suite", deadline=None)
    settings.load_profile("suite")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--log",
        choices=[*LOGS, "both"],
        default="both",
        help="which event log the hub's tests run on (default: both)",
    )


#: test modules that share one session fixture, so they run in one xdist worker: the browser
#: tests' ``hub demo`` and chromium (tests/browser/conftest.py) are started once, not per worker
SHARED_SESSION = ("tests/browser/",)

#: modules whose tests each go to a worker of their own (each long, the module's fixture cheap)
EACH_TEST_APART = ("tests/integration/api/test_schemathesis.py",)

#: the units of work that take longest (minutes, not their number of tests), handed out first
#: so that none of them is left to run alone at the end
LONGEST_FIRST = (
    "tests/integration/api/test_schemathesis.py",
    "tests/browser/",
    "tests/integration/resilience/test_crash_points.py",
    "tests/integration/resilience/test_kill_under_load.py",
    "tests/integration/projections/test_views_postgres.py",
    "tests/integration/operations/test_backup.py",
    "tests/integration/operations/test_backup_kafka.py",
)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadscope`` (scripts/test.sh), a worker takes a whole module (its
    module-scoped fixtures, such as a loaded demo or a served hub, are built once), every
    folder of ``SHARED_SESSION`` as one unit, each test of ``EACH_TEST_APART`` as one, and
    ``LONGEST_FIRST`` before the others (which go largest first)."""
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):  # type: ignore[misc]
        ordered = False

        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if module in EACH_TEST_APART:
                return nodeid
            return next((f for f in SHARED_SESSION if module.startswith(f)), module)

        def _assign_work_unit(self, node: Any) -> None:
            if not self.ordered:
                self.ordered = True
                for first in reversed(LONGEST_FIRST):
                    for scope in [s for s in self.workqueue if s.startswith(first)]:
                        self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)

    return ModuleScheduling(config, log)


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
