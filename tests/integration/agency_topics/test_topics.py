"""The topics the hub creates where a broker does not create them on first use.

The router creates each agency's dead-letter topic together with its feed topic; the reply
applier creates ``{prefix}.replies`` and ``{prefix}.replies.dlq`` before it reads them.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka.admin import KafkaAdminClient

from hub.access import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.replies import ReplyApplier
from hub.router import Router, agency_topic
from hub.settings import Settings
from tests.conftest import new_log_env
from tests.integration.agency_topics.test_replies import new_referral
from tests.integration.agency_topics.test_router import prefix_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.kafka


@pytest.fixture
def one_referral(
    kafka_bootstrap: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Services, dict[str, str], Driver]]:
    """A hub on a fresh Kafka log with the network and one referral; and the log's env."""
    env = new_log_env("kafka", tmp_path, request)
    services = build(Settings(data_dir=tmp_path / "hub"), env)
    driver = Driver(TestClient(create_app(services)), services.access.issue(Role.ADMIN, None, "a"))
    n.register_network(driver)
    new_referral(driver)
    yield services, env, driver
    services.close()


def topics(bootstrap: str, prefix: str) -> set[str]:
    """The topics of ``prefix`` besides the log itself (``{prefix}.events``)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        return {t for t in admin.list_topics() if t.startswith(prefix + ".")} - {f"{prefix}.events"}
    finally:
        admin.close()


def test_the_router_creates_each_agency_topic_with_its_dead_letter_topic(
    one_referral: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = one_referral
    prefix = prefix_of(env)
    router = Router(services.hub, kafka_bootstrap, prefix)
    try:
        assert router.step() > 0
    finally:
        router.close()
    feeds = {
        agency_topic(prefix, driver.id(name))
        for name in (n.KUYTUN_PROCURATORATE, n.KUYTUN_VOLUNTEERS)
    }
    assert topics(kafka_bootstrap, prefix) == {
        f"{prefix}.router.position",
        *feeds,
        *(f"{topic}.dlq" for topic in feeds),
    }


def test_the_reply_applier_creates_the_replies_topics_before_it_reads(
    one_referral: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, _ = one_referral
    prefix = prefix_of(env)
    assert topics(kafka_bootstrap, prefix) == set()
    applier = ReplyApplier(services.hub, kafka_bootstrap, prefix)
    try:
        assert topics(kafka_bootstrap, prefix) == {f"{prefix}.replies", f"{prefix}.replies.dlq"}
        assert [tp.topic for tp in applier.partitions] == [f"{prefix}.replies"]
        assert applier.step(timeout_ms=100) == (0, 0)
    finally:
        applier.close()
