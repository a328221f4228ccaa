"""The reply applier on a thread of the writing process: it applies, and survives a failure.

A failure in the middle of applying (here: the hub raising once, as when the log is away)
restarts the applier from the position recorded in the log; the reply it had polled is
applied after all, and once.
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

import pytest

from hub.bootstrap import Services
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.replies import BackgroundApplier
from tests.integration.agency_topics.test_replies import reply, send
from tests.integration.agency_topics.test_router import prefix_of
from tests.integration.agency_topics.test_topics import one_referral

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
