"""The webhook connector: a target down for a while gets everything; answers come back."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson
import pytest

from connectors.runtime import Runner
from connectors.settings import ConnectorSettings
from connectors.sinks.http import HttpReplySink
from connectors.webhook.callback import CallbackServer
from connectors.webhook.forwarder import WebhookConnector
from connectors.webhook.signing import signed_headers
from connectors.wiring import build_parts, build_runner
from tests.integration.connectors.fake_hub import FakeHub
from tests.integration.connectors.feed import feed_record
from tests.integration.connectors.kafka_support import (
    kafka_settings,
    new_referrals,
    produce_feed,
    read_topic,
    run_until,
)
from tests.integration.connectors.target import Target
from tests.support.tansu import free_port

SECRET = "shared-secret-of-the-agency"


@contextmanager
def in_background(target: Target, settings: ConnectorSettings) -> Iterator[Runner]:
    """The webhook connector for ``target`` running on its own thread while the block runs."""
    webhook = WebhookConnector(target.url, SECRET, timeout=2)
    parts = build_parts(settings)
    runner = build_runner(webhook, parts, settings, threading.Event())
    worker = threading.Thread(target=runner.run)
    worker.start()
    try:
        yield runner
    finally:
        runner.stop.set()
        worker.join(10)
        parts.close()
        webhook.close()
        target.stop()


def test_a_target_down_for_a_while_receives_everything_once_it_is_back(
    hub: FakeHub, http_settings: ConnectorSettings
) -> None:
    records = [feed_record(http_settings.agency_id, p) for p in range(1, 6)]
    hub.state.publish(*records)
    target = Target(free_port(), SECRET)
    with in_background(target, http_settings) as runner:
        time.sleep(1.0)  # the target is down: the first record is retried, nothing moves on
        cursor = http_settings.state_dir / f"cursor-{http_settings.agency_id}.json"
        assert runner.stats["committed"] == 0 and not cursor.exists()
        target.start()
        run_until(lambda: time.sleep(0.05), lambda: runner.stats["committed"] == 5, 10)
    assert target.received == records  # all, in order, each once
    assert target.event_ids == [r["event_id"] for r in records]
    assert target.bad_signatures == 0
    assert orjson.loads(cursor.read_bytes()) == {"after": 5}


def post_signed(url: str, body: bytes, secret: str = SECRET, **headers: str) -> httpx.Response:
    signed = signed_headers(secret, body)
    return httpx.post(url, content=body, headers={**signed, **headers}, timeout=5)


def test_callback_answers_reach_the_hub_once_and_unsigned_ones_are_refused(
    hub: FakeHub, http_settings: ConnectorSettings
) -> None:
    sink = HttpReplySink(http_settings)
    server = CallbackServer(http_settings.agency_id, SECRET, sink).start()
    base = f"http://127.0.0.1:{server.port}"
    referral = str(uuid.uuid4())
    done = orjson.dumps(
        {
            "on_behalf_of": "王科长",
            "outcome": {
                "successful": True,
                "provisions": [{"kind": "money", "amount_fen": 300000, "provider": "民政局"}],
            },
        }
    )
    try:
        first = post_signed(f"{base}/referrals/{referral}/complete", done)
        again = post_signed(f"{base}/referrals/{referral}/complete", done)
        keyed = post_signed(
            f"{base}/referrals/{referral}/accept",
            b'{"on_behalf_of": "x"}',
            **{"Idempotency-Key": "a1"},
        )
        forged = post_signed(
            f"{base}/referrals/{referral}/reject", b'{"on_behalf_of": "x"}', "guess"
        )
        stale = httpx.post(
            f"{base}/referrals/{referral}/accept",
            content=b'{"on_behalf_of": "x"}',
            headers=signed_headers(SECRET, b'{"on_behalf_of": "x"}', now=time.time() - 600),
        )
        no_reason = post_signed(f"{base}/referrals/{referral}/reject", b'{"on_behalf_of": "x"}')
        hub.state.refuse[referral] = (422, "transition-not-allowed")
        refused = post_signed(f"{base}/referrals/{referral}/start", b'{"on_behalf_of": "x"}')
        hub.state.refuse.clear()
        hub.state.fail_posts = 100
        away = post_signed(
            f"{base}/referrals/{referral}/hold", b'{"on_behalf_of": "x", "reason": "r"}'
        )
    finally:
        server.stop()
        sink.close()

    assert (first.status_code, again.status_code, keyed.status_code) == (202, 202, 202)
    assert first.json() == again.json()
    assert (forged.status_code, stale.status_code, no_reason.status_code) == (401, 401, 400)
    assert (
        refused.status_code == 422 and refused.json()["type"] == "/problems/transition-not-allowed"
    )
    assert away.status_code == 503
    applied = list(hub.state.applied.values())
    assert [(a["action"], a["on_behalf_of"]) for a in applied] == [
        ("complete", "王科长"),
        ("accept", "x"),
    ]
    assert applied[0]["outcome"]["provisions"][0]["amount_fen"] == 300000


@pytest.mark.kafka
def test_on_kafka_synchronous_and_callback_answers_become_replies(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    from connectors.sinks.kafka import KafkaReplySink

    settings = kafka_settings(kafka_bootstrap)
    records = new_referrals(settings, 2)
    produce_feed(kafka_bootstrap, settings, records)
    target = Target(
        free_port(), SECRET, {"replies": [{"action": "receive", "on_behalf_of": "sys"}]}
    )
    target.start()
    webhook = WebhookConnector(target.url, SECRET)
    parts = build_parts(settings)
    runner = build_runner(webhook, parts, settings, threading.Event())
    sink = KafkaReplySink(settings)
    server = CallbackServer(settings.agency_id, SECRET, sink).start()
    try:
        run_until(runner.run_once, lambda: runner.stats["committed"] == 2)
        answer = post_signed(
            f"http://127.0.0.1:{server.port}/referrals/{records[0]['referral_id']}/reject",
            b'{"on_behalf_of": "sys", "reason": "not our area"}',
        )
        assert answer.status_code == 202
    finally:
        parts.close()
        webhook.close()
        target.stop()
        server.stop()
        sink.close()
    replies = [
        orjson.loads(m.value) for m in read_topic(kafka_bootstrap, settings.replies_topic, 3)
    ]
    assert sorted((r["referral_id"], r["action"]) for r in replies) == sorted(
        [(r["referral_id"], "receive") for r in records] + [(records[0]["referral_id"], "reject")]
    )
    by_position = sorted(target.received, key=lambda r: r["position"])
    assert by_position == records  # each once (partitions may interleave)


@pytest.mark.kafka
def test_on_kafka_a_target_down_longer_than_the_poll_interval_gets_each_record_once(
    kafka_bootstrap: str,
) -> None:
    settings = kafka_settings(kafka_bootstrap)  # max_poll_interval_ms=1000
    records = new_referrals(settings, 3)
    produce_feed(kafka_bootstrap, settings, records)
    target = Target(free_port(), SECRET)
    with in_background(target, settings) as runner:
        run_until(
            lambda: time.sleep(0.05), lambda: runner.stats["committed"] == 0 and _tried(runner)
        )
        time.sleep(2.5)  # down for more than twice the poll interval
        assert runner.stats["committed"] == 0
        target.start()
        run_until(lambda: time.sleep(0.05), lambda: runner.stats["committed"] == 3, 15)
    assert sorted(target.received, key=lambda r: r["position"]) == records
    assert len(set(target.event_ids)) == 3 == len(target.event_ids)
    assert runner.stats["reset"] == 0  # kept its partitions all along


def _tried(runner: Runner) -> bool:
    """The runner has a record in hand (its first POST failed)."""
    return bool(runner.stats["retries"])
