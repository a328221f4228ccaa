"""``hub serve`` on the embedded default notifies officials from a thread of its own process;
``--no-notifications`` leaves it to ``hub notifications run``."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hub.settings import Settings
from tests.integration.notifications.sinks import smtp_server
from tests.integration.notifications.world import address, build_world, wait_until
from tests.integration.resilience.serve import HubServer, hub_env


@pytest.mark.parametrize("flags", [(), ("--no-notifications",)])
def test_hub_serve_notifies_unless_told_not_to(tmp_path: Path, flags: tuple[str, ...]) -> None:
    data_dir = tmp_path / "hub"
    world = build_world(Settings(data_dir=data_dir), None)
    try:
        with smtp_server() as (port, box):
            server = HubServer(
                hub_env(data_dir, HUB_SMTP_HOST="127.0.0.1", HUB_SMTP_PORT=str(port))
            )
            server.start(args=flags)
            try:
                world.refer("a")  # another process appends to the embedded log
                if flags:
                    time.sleep(2.0)
                    assert box.count() == 0
                else:
                    wait_until(lambda: box.count() == 1)
                    assert box.messages[0]["To"] == address("a-worker")
            finally:
                server.stop()
    finally:
        world.store.close()
        world.hub.close()
