"""The reply applier on a thread of the writing process: it applies, and survives a failure.

A failure in the middle of applying (here: the hub raising once, as when the log is away)
restarts the applier from the position recorded in the log; the reply it had polled is
applied after all, and once. An agency registered while it runs has its replies topic
followed without a restart.
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

import pytest

from hub.bootstrap import Services
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.feeds.replies import BackgroundApplier
from hub.feeds.topics import replies_topic
from tests.integration.agency_topics.test_replies import new_referral, reply, send
from tests.integration.agency_topics.test_router import prefix_of
from tests.integration.agency_topics.test_topics import one_referral, topics

pytestmark = pytest.mark.kafka

__all__ = ["one_referral"]


class FailingOnce:
    """The hub, except that its first ``answer_referral`` raises (the log was away)."""

    def __init__(self, hub: Any) -> None:
        self._hub = hub
        self.failed = False

    def answer_referral(self, *args: Any, **kwargs: Any) -> str:
        if not self.failed:
            self.failed = True
            raise ConnectionError("the log is away")
        return str(self._hub.answer_referral(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._hub, name)


def test_the_background_applier_resumes_after_a_failure_and_applies_once(
    one_referral: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = one_referral
    prefix = prefix_of(env)
    [referral] = services.hub.referral_ids(agency_id=UUID(driver.id(n.KUYTUN_VOLUNTEERS)))
    hub = FailingOnce(services.hub)
    applier = BackgroundApplier(hub, kafka_bootstrap, prefix, retry_seconds=0.1)
    try:
        send(kafka_bootstrap, prefix, reply(driver, str(referral), "accept", "k-accept"))
        send(kafka_bootstrap, prefix, reply(driver, str(referral), "start", "k-start"))
        deadline = time.monotonic() + 30
        while services.hub.get_referral(referral)["status"] != "in-progress":
            assert time.monotonic() < deadline, "the replies were not applied"
            time.sleep(0.05)
    finally:
        applier.close()
    assert hub.failed and applier.failures == 1
    assert services.hub.get_referral(referral)["version"] == 3  # requested, accepted, started


def test_the_replies_of_an_agency_registered_while_the_applier_runs_are_applied(
    one_referral: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = one_referral
    prefix = prefix_of(env)
    applier = BackgroundApplier(services.hub, kafka_bootstrap, prefix, retry_seconds=0.1)
    try:
        first_look = replies_topic(prefix, driver.id(n.KUYTUN_VOLUNTEERS))
        deadline = time.monotonic() + 30
        while first_look not in topics(kafka_bootstrap, prefix):  # made at its first look
            assert time.monotonic() < deadline, "the applier did not start"
            time.sleep(0.05)
        driver.register(
            "奎屯市心理咨询中心",
            kind="volunteer-association",
            level="county",
            region_code="654003",
            services=["counselling"],
        )
        referral = new_referral(driver, "奎屯市心理咨询中心")
        send(kafka_bootstrap, prefix, reply(driver, referral, "accept", "k1", "奎屯市心理咨询中心"))
        deadline = time.monotonic() + 30
        while services.hub.get_referral(UUID(referral))["status"] != "accepted":
            assert time.monotonic() < deadline, "the new agency's reply was not applied"
            time.sleep(0.05)
    finally:
        applier.close()
    assert applier.failures == 0  # the same applier all along
    assert services.hub.get_referral(UUID(referral))["version"] == 2
