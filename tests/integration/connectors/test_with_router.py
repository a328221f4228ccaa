"""The whole chain on the real broker: the hub's router, the connector SDK, the reply applier.

A referral made through the API is routed to the recipient's topic; the connector answers
(received, accepted, completed with an outcome in fen) to its own topic
``{prefix}.replies.<agency_id>``; the hub's applier applies each answer once — also when the connector, restarted before its commit,
sends the same answers again.
"""

from __future__ import annotations

import threading
import warnings
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from uuid import UUID

import pytest

from connectors import Connector, FeedRecord, Outcome, Provision, Reply
from connectors.sinks.kafka import KafkaReplySink
from connectors.wiring import build_parts, build_runner
from tests.conftest import new_log_env
from tests.integration.connectors.kafka_support import kafka_settings, run_until

pytestmark = pytest.mark.kafka


class Volunteers(Connector):
    def __init__(self) -> None:
        self.seen: list[FeedRecord] = []

    def handle(self, record: FeedRecord) -> Iterable[Reply]:
        self.seen.append(record)
        if not record.incoming:
            return []
        help_given = Outcome(True, (Provision("counselling", "奎屯市志愿者协会"),))
        return [
            record.reply("receive", "协会系统"),
            record.reply("accept", "协会系统"),
            record.reply("complete", "协会系统", outcome=help_given),
        ]


def test_a_connector_answers_a_routed_referral_exactly_once(
    kafka_bootstrap: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from hub.access.tokens import Role
    from hub.api.app import create_app
    from hub.bootstrap import build
    from hub.demo import network as n
    from hub.demo.driver import Driver
    from hub.feeds.replies import ReplyApplier
    from hub.feeds.router import Router
    from hub.feeds.topics import agency_of
    from hub.settings import Settings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    env = new_log_env("kafka", tmp_path, request)
    prefix = env["HUB_LOG_TOPIC"].rsplit(".", 1)[0]
    services = build(Settings(data_dir=tmp_path / "hub"), env)
    driver = Driver(TestClient(create_app(services)), services.access.issue(Role.ADMIN, None, "a"))
    n.register_network(driver)
    person = driver.person(
        n.KUYTUN_PROCURATORATE,
        "654003199912120019",
        "测试人",
        consent_to={n.KUYTUN_VOLUNTEERS: ["counselling"]},
    )
    referral = driver.refer(
        n.KUYTUN_PROCURATORATE,
        n.KUYTUN_VOLUNTEERS,
        person,
        reason="心理疏导",
        services=["counselling"],
        on_behalf_of="承办检察官",
    )
    router = Router(services.hub, kafka_bootstrap, prefix)
    applier = ReplyApplier(services.hub, kafka_bootstrap, prefix)  # creates the replies topics
    settings = kafka_settings(
        kafka_bootstrap, agency_id=driver.id(n.KUYTUN_VOLUNTEERS), topic_prefix=prefix
    )
    # the connector writes where the hub reads the agency's identity from
    assert agency_of(prefix, settings.replies_topic) == UUID(settings.agency_id)
    try:
        run_until(router.step, lambda: router.position > 0)
        connector = Volunteers()
        parts = build_parts(settings)
        runner = build_runner(connector, parts, settings, threading.Event())
        try:
            run_until(runner.run_once, lambda: runner.stats["committed"] >= 1)
        finally:
            parts.close()
        taken = Counter[str]()

        def take() -> None:
            applied, dead = applier.step()
            taken.update(applied=applied, dead=dead)

        run_until(take, lambda: taken["applied"] >= 3)
        assert services.hub.get_referral(UUID(referral))["status"] == "completed"

        # the same record again (a connector restarted before its commit): same replies
        [request] = [r for r in connector.seen if r.type == "referral.requested"]
        again = KafkaReplySink(settings)
        for reply in Volunteers().handle(request):
            again.send(reply)
        again.close()
        run_until(take, lambda: taken["applied"] >= 6)
        assert taken["dead"] == 0  # taken as repeats, not refused
        assert services.hub.get_referral(UUID(referral))["status"] == "completed"
        assert len(services.hub.history(UUID(referral))) == 4  # requested + 3 answers, once each
    finally:
        router.close()
        applier.close()
        services.close()
