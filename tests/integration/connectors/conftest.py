"""Fixtures of the connector tests: a fake hub over real HTTP and settings for it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.settings import ConnectorSettings
from tests.integration.connectors.fake_hub import FakeHub


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with FakeHub() as server:
        yield server


@pytest.fixture
def http_settings(hub: FakeHub, tmp_path: Path) -> ConnectorSettings:
    return ConnectorSettings(
        agency_id=str(uuid.uuid4()),
        transport="http",
        hub_url=hub.url,
        token=hub.state.token,
        state_dir=tmp_path / "state",
        poll_wait=0.3,
        http_timeout=5.0,
        backoff_base=0.02,
        backoff_cap=0.2,
        max_attempts=3,
    )
