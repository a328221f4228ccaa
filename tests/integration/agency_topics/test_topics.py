"""The topics the hub creates where a broker does not create them on first use.

The router creates each agency's dead-letter topic together with its feed topic; the reply
applier creates ``{prefix}.replies.dlq`` and the replies topic of every registered agency
(``{prefix}.replies.<agency_id>``) before it reads them, and of each agency registered later.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka.admin import KafkaAdminClient

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.feeds.replies import ReplyApplier
from hub.feeds.router import Router
from hub.feeds.topics import agency_topic, replies_topic
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


def test_the_reply_applier_creates_the_replies_topics_of_registered_agencies(
    one_referral: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = one_referral
    prefix = prefix_of(env)
    assert topics(kafka_bootstrap, prefix) == set()
    replies = {replies_topic(prefix, agency_id) for agency_id in driver.agencies.values()}
    applier = ReplyApplier(services.hub, kafka_bootstrap, prefix, agencies_every=0)
    try:
        dead_letters = {f"{prefix}.replies.dlq", f"{prefix}.replies.dlq.resolved"}
        assert topics(kafka_bootstrap, prefix) == {*dead_letters, *replies}
        assert {tp.topic for tp in applier.partitions} == replies
        assert applier.step(timeout_ms=100) == (0, 0)
        later = driver.register(
            "奎屯市心理咨询中心",
            kind="volunteer-association",
            level="county",
            region_code="654003",
            services=["counselling"],
        )
        assert applier.step(timeout_ms=100) == (0, 0)
        assert {tp.topic for tp in applier.partitions} == {*replies, replies_topic(prefix, later)}
        assert replies_topic(prefix, later) in topics(kafka_bootstrap, prefix)
    finally:
        applier.close()
