"""``hub notifications run`` as its own process, killed with SIGKILL while the SMTP server
holds a message unanswered, then restarted: every official gets each message once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from hub.settings import Settings
from tests.integration.notifications.sinks import smtp_server
from tests.integration.notifications.world import address, build_world, wait_until

ROOT = Path(__file__).resolve().parents[3]


def start(settings_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, **settings_env, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "hub", "notifications", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_killed_while_sending_and_restarted_tells_each_once(
    tmp_path: Path, log_kind: str, request: pytest.FixtureRequest
) -> None:
    env = {"HUB_DATA_DIR": str(tmp_path / "hub"), "HUB_NOTIFY_CHECK_SECONDS": "0.5"}
    if log_kind == "kafka":
        env["KAFKA_BOOTSTRAP_SERVERS"] = request.getfixturevalue("kafka_bootstrap")
        env["HUB_LOG_TOPIC"] = f"test-{uuid.uuid4().hex[:12]}.events"
    settings = Settings(
        data_dir=tmp_path / "hub",
        kafka_bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS"),
        log_topic=env.get("HUB_LOG_TOPIC", "hub.events"),
    )
    world = build_world(settings, None)
    referrals = 12
    try:
        for _ in range(referrals):
            world.refer("a" if _ % 2 else "b")
    finally:
        world.store.close()
        world.hub.close()
    with smtp_server() as (port, box):
        env |= {"HUB_SMTP_HOST": "127.0.0.1", "HUB_SMTP_PORT": str(port)}
        box.hold_after = 5  # the sixth message waits for its 250 ...
        first = start(env)
        try:
            wait_until(box.held.is_set, timeout=60)
            first.send_signal(signal.SIGKILL)  # ... and its sender dies meanwhile
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
        box.hold.clear()
        before = box.count()
        assert before == 5
        second = start(env)
        try:
            wait_until(lambda: box.count() >= referrals, timeout=60)
            time.sleep(1.0)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=20)
        assert second.returncode == 0, second.stderr.read() if second.stderr else ""
        assert box.count() == referrals
        assert len(set(box.ids())) == referrals
        to = sorted(str(m["To"]) for m in box.messages)
        assert to == sorted([address("a-worker")] * 6 + [address("b-worker")] * 6)
