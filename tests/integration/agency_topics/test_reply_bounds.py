"""Bounds on the Kafka side: replies that break one go to the dead-letter topic, and the
router gets past an unbounded value that an older hub wrote to the log.

A connector enters values without the API, so the domain's own guards hold them: the reply is
not applied, nothing is appended, and the letter says which bound was broken.
"""

from __future__ import annotations

import json
from uuid import UUID

import pytest

from domain.referral import Referral
from domain.values import MAX_AMOUNT_FEN, MAX_SHORT_TEXT
from hub.bootstrap import Services
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.feeds.dead_letters import DeadLetters
from hub.feeds.replies import ReplyApplier
from hub.feeds.router import Router
from hub.feeds.topics import agency_topic
from tests.integration.agency_topics.conftest import read_topic
from tests.integration.agency_topics.test_replies import drain, new_referral, reply, send
from tests.integration.agency_topics.test_router import prefix_of

pytestmark = pytest.mark.kafka


def test_replies_beyond_the_bounds_are_dead_lettered_with_the_reason(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    services, env, driver = kafka_hub
    prefix = prefix_of(env)
    hub = services.hub
    referral = new_referral(driver, n.KUYTUN_CITY_INVESTMENT, "donation")
    driver.answer(n.KUYTUN_CITY_INVESTMENT, referral, "accept")
    before = hub.recorder.max_notification_id()
    company = n.KUYTUN_CITY_INVESTMENT
    huge = {"kind": "money", "amount_fen": MAX_AMOUNT_FEN + 1, "provider": "城投集团"}
    sources = {
        send(
            kafka_bootstrap,
            prefix,
            reply(
                driver,
                referral,
                "complete",
                "too-much",
                company,
                outcome={"successful": True, "provisions": [huge]},
            ),
        ): f"at most {MAX_AMOUNT_FEN} fen",
        send(
            kafka_bootstrap,
            prefix,
            reply(driver, referral, "start", "long-actor", company, on_behalf_of="人" * 201),
        ): f"at most {MAX_SHORT_TEXT} characters",
        send(
            kafka_bootstrap,
            prefix,
            reply(driver, referral, "hold", "odd-reason", company, reason=["not", "text"]),
        ): "a reason is text",
    }
    applier = ReplyApplier(hub, kafka_bootstrap, prefix)
    try:
        assert drain(applier) == (0, 3)
    finally:
        applier.close()
    assert hub.recorder.max_notification_id() == before  # nothing appended
    assert hub.get_referral(referral)["status"] == "accepted"
    letters = {x.source: x for x in DeadLetters(kafka_bootstrap, prefix).list()}
    assert set(letters) == set(sources)
    for source, reason in sources.items():
        assert letters[source].error == "invalid-value"
        assert reason in letters[source].detail


def test_the_router_publishes_past_an_unbounded_amount_an_older_hub_wrote(
    kafka_hub: tuple[Services, dict[str, str], Driver], kafka_bootstrap: str
) -> None:
    """The finding's event on the Kafka log: the router neither crashes nor stops there."""
    services, env, driver = kafka_hub
    prefix = prefix_of(env)
    company = n.KUYTUN_CITY_INVESTMENT
    referral_id = new_referral(driver, company, "donation")
    driver.answer(company, referral_id, "accept")
    referral: Referral = services.hub.repository.get(UUID(referral_id))
    outcome = {
        "successful": True,
        "reason": None,
        "provisions": [{"kind": "money", "amount_fen": 10**30, "provider": "城投集团"}],
    }
    referral._status_changed(
        status="completed",
        by_agency=referral.recipient_id,
        on_behalf_of="x",
        reason=None,
        outcome=outcome,
    )
    services.hub.save(referral)
    bad = services.hub.recorder.max_notification_id()
    after = new_referral(driver, company, "donation")  # an event after the bad one
    router = Router(services.hub, kafka_bootstrap, prefix)
    try:
        router.catch_up()
        assert router.position > bad  # past it (answers to idempotent POSTs are not routed)
    finally:
        router.close()
    records = [
        json.loads(r.value)
        for r in read_topic(kafka_bootstrap, agency_topic(prefix, driver.id(company)))
    ]
    [completed] = [
        r for r in records if r["referral_id"] == referral_id and r["type"] == "referral.completed"
    ]
    # the router's reader decodes the stored event with orjson, which reads it as a float
    assert completed["data"]["outcome"]["provisions"][0]["amount_fen"] == 1e30
    assert any(r["referral_id"] == after for r in records)
