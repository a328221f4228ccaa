"""Replies that break a bound (an amount, a text's length) go to the dead-letter topic.

A connector enters values without the API, so the domain's own guards hold them: the reply is
not applied, nothing is appended, and the letter says which bound was broken.
"""

from __future__ import annotations

import pytest

from domain.values import MAX_AMOUNT_FEN, MAX_SHORT_TEXT
from hub.bootstrap import Services
from hub.dead_letters import DeadLetters
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.replies import ReplyApplier
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
            reply(driver, referral, "start", "long-actor", company, actor="人" * 201),
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
