"""The demo network and the seven scenarios, run once per log through the HTTP API."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
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
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def services(
    module_log_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Services]:
    data_dir: Path = tmp_path_factory.mktemp("hub")
    services = build(Settings(data_dir=data_dir), module_log_env)
    yield services
    services.close()


@pytest.fixture(scope="module")
def driver(services: Services) -> Driver:
    client = TestClient(create_app(services))
    return Driver(client, services.access.issue(Role.ADMIN, None, "test administrator"))


@pytest.fixture(scope="module")
def scenarios(driver: Driver) -> dict[str, Any]:
    """The ids each scenario made, after all seven ran through the API."""
    return load_all(driver)


@pytest.fixture(scope="module")
def auditor(driver: Driver, scenarios: dict[str, Any]) -> str:
    """An auditor official of the first agency, signed in (the scenarios made the agencies)."""
    return driver.add_auditor()
