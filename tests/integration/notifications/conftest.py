"""The notifier's tests' world (``world.py``), one per test on the selected log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.settings import Settings
from tests.integration.notifications.world import World, build_world


@pytest.fixture
def world(tmp_path: Path, log_kind: str, request: pytest.FixtureRequest) -> Iterator[World]:
    from tests.conftest import new_log_env

    built = build_world(
        Settings(data_dir=tmp_path / "hub"), new_log_env(log_kind, tmp_path, request)
    )
    yield built
    built.store.close()
    built.hub.close()
