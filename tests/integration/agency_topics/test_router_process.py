"""``hub router run`` in its own process, beside the hub that writes the log.

The router's process keeps its own replica of the log; it must follow what the hub appends
after the router started, not only what was there when it opened the log.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from hub.bootstrap import Services
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.feeds.router import read_position
from hub.feeds.routing import ROUTED_TOPICS
from hub.feeds.topics import agency_topic
from tests.integration.agency_topics.conftest import read_topic
from tests.integration.agency_topics.test_router import prefix_of
from tests.integration.agency_topics.test_topics import one_referral
from tests.support.tansu import free_port

pytestmark = pytest.mark.kafka

__all__ = ["one_referral"]


def wait_for_position(bootstrap: str, topic: str, position: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    seen = read_position(bootstrap, topic)
    while seen < position and time.monotonic() < deadline:
        time.sleep(0.1)
        seen = read_position(bootstrap, topic)
    return seen


def router_lag(port: int, timeout: float = 30.0) -> float:
    """The router process's ``hub_router_lag_events``, once its metrics endpoint answers
    with it at zero, or as last seen when the time is up."""
    deadline = time.monotonic() + timeout
    lag = -1.0
    while time.monotonic() < deadline:
        try:
            text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        for family in text_string_to_metric_families(text):
            if family.name == "hub_router_lag_events":
                lag = family.samples[0].value
        if lag == 0:
            return lag
        time.sleep(0.2)
    return lag


def last_routed(services: Services, after: int) -> int:
    """The last event the router routes (idempotency answers after it are not routed)."""
    routed = services.hub.recorder.select_notifications(after + 1, 10_000, topics=ROUTED_TOPICS)
    return routed[-1].id if routed else after


def test_a_router_process_routes_what_the_hub_appends_after_it_started(
    one_referral: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str, tmp_path: Path
) -> None:
    services, env, driver = one_referral
    prefix = prefix_of(env)
    position_topic = f"{prefix}.router.position"
    process_env = {
        **os.environ,
        **env,
        "HUB_DATA_DIR": str(services.settings.data_dir),
        "HUB_REPLICA_PATH": str(tmp_path / "router-replica.sqlite"),
        "HUB_METRICS_PORT": str(metrics_port := free_port()),
    }
    router = subprocess.Popen([sys.executable, "-m", "hub", "router", "run"], env=process_env)
    try:
        first = last_routed(services, 0)
        assert wait_for_position(kafka_bootstrap, position_topic, first) == first
        person = driver.person(
            n.KUYTUN_PROCURATORATE,
            "654003200001010017",
            "后来人",
            consent_to={n.KUYTUN_YOUTH_LEAGUE: ["student-loan"]},
        )
        referral = driver.refer(
            n.KUYTUN_PROCURATORATE,
            n.KUYTUN_YOUTH_LEAGUE,
            person,
            reason="助学贷款",
            services=["student-loan"],
            on_behalf_of="承办检察官",
        )
        later = last_routed(services, first)
        assert wait_for_position(kafka_bootstrap, position_topic, later) == later
        assert router_lag(metrics_port) == 0  # its metrics say it is caught up
    finally:
        router.terminate()
        router.wait(timeout=20)
    assert router.returncode == 0
    topic = agency_topic(prefix, driver.id(n.KUYTUN_YOUTH_LEAGUE))
    records = [orjson.loads(r.value) for r in read_topic(kafka_bootstrap, topic)]
    assert [(r["type"], r["referral_id"]) for r in records] == [("referral.requested", referral)]
