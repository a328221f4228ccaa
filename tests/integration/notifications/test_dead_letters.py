"""On Kafka, a reply the hub cannot apply waits in ``{prefix}.replies.dlq``: every
administrator is told once (not the agency's officials), however often the notifier looks."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.feeds.dead_letters import DeadLetters
from hub.feeds.replies import ReplyApplier
from hub.settings import Settings
from tests.conftest import new_log_env
from tests.integration.agency_topics.test_replies import drain, send
from tests.integration.notifications.sinks import smtp_server
from tests.integration.notifications.world import address, build_world


@pytest.mark.kafka
def test_a_dead_letter_is_told_once_to_the_administrators(
    tmp_path: Path, kafka_bootstrap: str, request: pytest.FixtureRequest
) -> None:
    env = new_log_env("kafka", tmp_path, request)
    world = build_world(Settings(data_dir=tmp_path / "hub"), env)
    prefix = env["HUB_LOG_TOPIC"].rsplit(".", 1)[0]
    try:
        referral = world.refer("a")
        # civil affairs' connector answers with an action that does not exist
        bad = {
            "idempotency_key": "k-bad",
            "agency_id": str(world.ids["a"]),
            "referral_id": str(referral),
            "action": "approve",
            "actor": "经办人",
            "reason": None,
            "outcome": None,
        }
        applier = ReplyApplier(world.hub, kafka_bootstrap, prefix)
        try:
            send(kafka_bootstrap, prefix, bad)
            assert drain(applier)[1] == 1
        finally:
            applier.close()
        letters = DeadLetters(kafka_bootstrap, prefix)
        with smtp_server() as (port, box):
            notifier = world.notifier(port, dead_letters=letters.list)
            assert notifier.check_time() == 1
            assert notifier.check_time() == 0
            assert world.notifier(port, dead_letters=letters.list).check_time() == 0
            notifier.deliver()
            assert [m["To"] for m in box.messages] == [address("p-admin")]
            assert "等待管理员处理" in box.bodies()[0]
    finally:
        world.store.close()
        world.hub.close()
