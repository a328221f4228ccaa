"""The router on the real broker: every event reaches every party exactly once, in order."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest

from hub.bootstrap import Services, build
from hub.demo.driver import Driver
from hub.feeds.router import Router, RouterFenced, read_position
from hub.feeds.routing import ROUTED_TOPICS, agency_feed
from hub.feeds.topics import agency_topic
from hub.settings import Settings
from tests.conftest import new_log_env
from tests.integration.agency_topics.conftest import read_topic
from tests.support.tansu import TansuBroker

pytestmark = pytest.mark.kafka


def prefix_of(env: dict[str, str]) -> str:
    return env["HUB_LOG_TOPIC"].rsplit(".", 1)[0]


def expected_feeds(services: Services, driver: Driver) -> dict[str, list[dict[str, Any]]]:
    return {
        agency_id: agency_feed(services.hub, agency_id, 0, limit=10_000)[0]
        for agency_id in driver.agencies.values()
    }


def published(
    bootstrap: str, prefix: str, expected: dict[str, list[dict[str, Any]]]
) -> dict[str, list[Any]]:
    """What each agency's topic holds (a topic with records expected is waited for)."""
    return {
        a: [
            orjson.loads(r.value)
            for r in read_topic(bootstrap, agency_topic(prefix, a), exists=bool(records))
        ]
        for a, records in expected.items()
    }


def test_router_publishes_each_agencys_feed_once_in_log_order(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = kafka_hub
    prefix = prefix_of(env)
    router = Router(services.hub, kafka_bootstrap, prefix, batch_size=7)
    try:
        routed = services.hub.recorder.select_notifications(1, 100_000, topics=ROUTED_TOPICS)
        assert router.step() == 7  # one batch
        assert router.catch_up() == len(routed) - 7  # the rest, batch after batch
        assert router.position == routed[-1].id
        assert router.step() == 0  # caught up: nothing published twice
    finally:
        router.close()
    expected = expected_feeds(services, driver)
    got = published(kafka_bootstrap, prefix, expected)
    assert sum(map(len, expected.values())) > 50
    for agency_id, records in expected.items():
        assert got[agency_id] == records, agency_id
        assert all(r["agency_id"] == agency_id for r in got[agency_id])
    # A router started again resumes from its committed position and adds nothing.
    again = Router(services.hub, kafka_bootstrap, prefix)
    try:
        assert again.position == router.position
        assert again.step() == 0
    finally:
        again.close()


def test_router_killed_mid_run_delivers_every_event_once(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str, tmp_path: Path
) -> None:
    services, env, driver = kafka_hub
    prefix = prefix_of(env)
    process_env = {
        **os.environ,
        **env,
        "HUB_DATA_DIR": str(services.settings.data_dir),
        "HUB_REPLICA_PATH": str(tmp_path / "router-replica.sqlite"),
    }
    hub_cli = [sys.executable, "-m", "hub", "router", "run", "--batch-size", "3"]
    position_topic = f"{prefix}.router.position"
    first = subprocess.Popen(hub_cli, env=process_env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.05)
            position = read_position(kafka_bootstrap, position_topic)
            if position >= 20:
                break
        assert position >= 20, "the router made no progress"
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(timeout=10)
    maximum = services.hub.recorder.max_notification_id()
    assert read_position(kafka_bootstrap, position_topic) < maximum  # killed part-way
    subprocess.run([*hub_cli, "--once"], env=process_env, check=True, timeout=120)
    expected = expected_feeds(services, driver)
    got = published(kafka_bootstrap, prefix, expected)
    for agency_id, records in expected.items():
        ids = [r["event_id"] for r in got[agency_id]]
        assert ids == [r["event_id"] for r in records], agency_id


def test_a_router_fenced_mid_run_stops_and_its_successor_publishes_each_event_once(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = kafka_hub
    prefix = prefix_of(env)
    first = Router(services.hub, kafka_bootstrap, prefix, batch_size=5)
    try:
        assert first.step() == 5
        second = Router(services.hub, kafka_bootstrap, prefix, batch_size=5)
        try:
            assert second.position == first.position  # read back from the committed position
            with pytest.raises(RouterFenced):
                first.catch_up()
            assert second.catch_up() > 0
        finally:
            second.close()
    finally:
        first.close()
    expected = expected_feeds(services, driver)
    got = published(kafka_bootstrap, prefix, expected)
    for agency_id, records in expected.items():
        assert [r["event_id"] for r in got[agency_id]] == [r["event_id"] for r in records]


def refer_some(services: Services, count: int, agencies: tuple[Any, Any] | None = None) -> Any:
    hub = services.hub
    if agencies is None:
        agencies = (
            hub.register_agency(
                "测试县人民检察院", "procuratorate", "county", "659001", ["judicial-relief"], 5
            ),
            hub.register_agency(
                "测试县民政局", "civil-affairs", "county", "659001", ["temporary-aid"], 5
            ),
        )
    requester, recipient = agencies
    person = hub.register_person("659001199001010013", "测试", registered_by=requester)
    hub.consent_to_all(person, date.today())
    for _ in range(count):
        hub.refer(
            requester_id=requester,
            recipient_id=recipient,
            person_id=person,
            reason="生活困难",
            services=["temporary-aid"],
            on_behalf_of="承办人",
        )
    return agencies


def test_a_commit_that_times_out_while_the_broker_is_stopped_completes_when_it_is_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest
) -> None:
    """A timed-out commit goes on inside librdkafka: the router asks again, neither aborting
    (which would wedge every later transaction) nor routing the batch twice."""
    broker = TansuBroker()
    broker.start()
    assert broker.process is not None
    services = build(Settings(data_dir=tmp_path / "hub"), new_log_env("sqlite", tmp_path, request))
    router = None
    try:
        agencies = refer_some(services, 3)
        router = Router(services.hub, broker.bootstrap, "stall", commit_timeout=1)
        assert router.step() == 3  # the agency topics exist from here on
        refer_some(services, 4, agencies)
        broker.process.send_signal(signal.SIGSTOP)
        resume = threading.Timer(3.5, broker.process.send_signal, (signal.SIGCONT,))
        resume.start()
        with caplog.at_level(logging.WARNING, logger="hub.feeds.router"):
            assert router.step() == 4
        resume.join()
        assert "commit of the routed batch not done yet" in caplog.text  # it did time out
        assert router.position == services.hub.recorder.max_notification_id()
        assert router.step() == 0
        for agency_id in map(str, agencies):
            records = agency_feed(services.hub, UUID(agency_id), 0, limit=100)[0]
            got = [
                orjson.loads(r.value)
                for r in read_topic(broker.bootstrap, agency_topic("stall", agency_id))
            ]
            assert [r["event_id"] for r in got] == [r["event_id"] for r in records]
            assert len(got) == 7
    finally:
        broker.process.send_signal(signal.SIGCONT)
        if router is not None:
            router.close()
        services.close()
        broker.close()
