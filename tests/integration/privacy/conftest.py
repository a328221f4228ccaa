"""A hub on real files for the privacy and audit tests, and the ``hub`` command beside it.

Each test module gets its own hub (once per log selected with ``--log``) whose settings are
exactly what ``hub serve --data-dir`` and every other ``hub`` command read: the embedded log
is ``DATA_DIR/hub.sqlite``; on Kafka the topic and broker come from the environment given to
each subprocess. The seven scenarios of DOMAIN.md run through the HTTP API.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.demo.driver import Driver
from hub.demo.scenarios import load_all
from hub.settings import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

#: the scenarios' people (hub/demo/scenarios.py): none may stand in clear anywhere
NAMES = ("周某", "王某", "叶某", "阿某", "艾某", "李某", "赵某")
ID_NUMBERS = (
    "654025199203150029",
    "654025199507200048",
    "65400319800510001X",
    "654003198311020026",
    "652328197804120030",
    "654003197609090049",
    "654003199001010054",
)
CLI_TIMEOUT = 120


@dataclass
class HubHome:
    """One hub's data directory and settings; opens services on it and runs ``hub`` there."""

    settings: Settings
    env: dict[str, str] = field(default_factory=dict)  # what a subprocess needs besides argv

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    def open(self) -> Services:
        return build(self.settings)

    def cli(
        self, *args: str, env: dict[str, str] | None = None, check: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """Runs ``hub ARGS --data-dir DATA_DIR`` as its own process; wide, plain output."""
        command = [
            str(Path(sys.executable).parent / "hub"),
            *args,
            "--data-dir",
            str(self.data_dir),
        ]
        full_env = {**os.environ, "COLUMNS": "300", "NO_COLOR": "1", **self.env, **(env or {})}
        done = subprocess.run(
            command, env=full_env, capture_output=True, text=True, timeout=CLI_TIMEOUT
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(args)}: {done.returncode}\n{done.stdout}{done.stderr}")
        return done


def new_home(log_kind: str, directory: Path, request: pytest.FixtureRequest) -> HubHome:
    if log_kind == "sqlite":
        return HubHome(Settings(data_dir=directory))
    bootstrap = request.getfixturevalue("kafka_bootstrap")
    topic = f"test-{uuid.uuid4().hex[:12]}.events"
    settings = Settings(data_dir=directory, KAFKA_BOOTSTRAP_SERVERS=bootstrap, log_topic=topic)
    return HubHome(settings, {"KAFKA_BOOTSTRAP_SERVERS": bootstrap, "HUB_LOG_TOPIC": topic})


@pytest.fixture(scope="module")
def home(
    log_kind: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> HubHome:
    return new_home(log_kind, tmp_path_factory.mktemp("hub"), request)


@pytest.fixture(scope="module")
def services(home: HubHome) -> Iterator[Services]:
    built = home.open()
    yield built
    built.close()


def driver_for(services: Services) -> Driver:
    client = TestClient(create_app(services))
    return Driver(client, services.access.issue(Role.ADMIN, None, "test administrator"))


@pytest.fixture(scope="module")
def driver(services: Services) -> Driver:
    return driver_for(services)


@pytest.fixture(scope="module")
def scenarios(driver: Driver) -> dict[str, Any]:
    return load_all(driver)


@pytest.fixture(scope="module")
def auditor(driver: Driver, scenarios: dict[str, Any]) -> str:
    """An auditor official of the first agency, signed in (the scenarios made the agencies)."""
    return driver.add_auditor()


def clear_needles() -> list[tuple[str, bytes]]:
    """Each name and ID number as UTF-8 bytes, and each name as JSON ``\\u`` escapes."""
    needles = [(v, v.encode()) for v in (*NAMES, *ID_NUMBERS)]
    needles += [(f"{v} (escaped)", "".join(f"\\u{ord(c):04x}" for c in v).encode()) for v in NAMES]
    return needles


def found_in(data: bytes) -> list[str]:
    return [label for label, needle in clear_needles() if needle in data]
