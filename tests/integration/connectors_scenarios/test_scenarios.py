"""The seven scenarios with every receiving agency's answers coming from its connector on Kafka.

The final states are checked by the very tests of ``tests/e2e/test_scenarios.py`` (imported
here, so they run on this module's connector-driven hub); the tests below check that each
answer came through the connectors and the agency's own replies topic and was applied
exactly once,
although every connector sent each of its answers twice.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tests.e2e.test_scenarios import (
    test_1_xinyuan_mechanism,
    test_2_a_and_ai,
    test_3_zhou,
    test_4_wang,
    test_5_ye,
    test_6_inbound_lead,
    test_7_outbound,
)
from tests.integration.agency_topics.conftest import read_topic
from tests.integration.connectors_scenarios.agencies import STATUS_AFTER
from tests.integration.connectors_scenarios.conftest import Network

pytestmark = pytest.mark.kafka

__all__ = [
    "test_1_xinyuan_mechanism",
    "test_2_a_and_ai",
    "test_3_zhou",
    "test_4_wang",
    "test_5_ye",
    "test_6_inbound_lead",
    "test_7_outbound",
]


def test_every_answer_was_applied_exactly_once(network: Network, scenarios: dict[str, Any]) -> None:
    driver, given = network.driver, network.answers.given
    assert len(given) == 10  # 2 + 1 + 4 + 1 + 1 + 1 referrals answered by connectors
    for referral_id, steps in given.items():
        agency = steps[0][0]
        referral = driver.get(agency, f"/referrals/{referral_id}")
        history = driver.get(agency, f"/referrals/{referral_id}/history")
        answered = [
            e["details"]["status"]
            for e in history
            if e["on_behalf_of"] == driver.actor(agency)
            and (e["by"]["kind"], e["by"]["agency_id"]) == ("connector", driver.id(agency))
        ]
        assert answered == [STATUS_AFTER[action] for _, (action, _) in steps], referral_id
        assert referral["version"] == len(history) == history[-1]["version"]


def test_every_answer_went_through_its_agencys_replies_topic_twice_and_none_was_refused(
    network: Network, scenarios: dict[str, Any], kafka_bootstrap: str
) -> None:
    answers = sum(map(len, network.answers.given.values()))
    replies = []
    for name, sink in network.sinks.items():
        agency_id = network.driver.id(name)
        mine = read_topic(kafka_bootstrap, f"{network.prefix}.replies.{agency_id}")
        assert len(mine) == sink.sent, name
        assert all(orjson.loads(r.value)["agency_id"] == agency_id for r in mine), name
        replies += mine
    assert len(replies) == 2 * answers
    assert len({dict(r.headers)["idempotency_key"] for r in replies}) == answers
    assert read_topic(kafka_bootstrap, f"{network.prefix}.replies.dlq") == []
    for name, runner in network.runners.items():
        assert runner.stats["dead"] == 0, name
    assert not network.workers.errors and network.applier.failures == 0
