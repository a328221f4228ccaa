"""The SDK on the real broker: replies once, redelivery after a crash, poison to the DLQ."""

from __future__ import annotations

from collections.abc import Iterable

import orjson
import pytest
from kafka import KafkaProducer

from connectors import Connector, FeedRecord, Reply
from connectors.wiring import build_parts, build_runner
from tests.integration.connectors.kafka_support import (
    kafka_settings,
    new_referrals,
    produce_feed,
    read_topic,
    run_until,
)

pytestmark = pytest.mark.kafka


class Intake(Connector):
    """Receives and accepts every referral sent to the agency."""

    def handle(self, record: FeedRecord) -> Iterable[Reply]:
        if record.incoming:
            yield record.reply("receive", on_behalf_of="intake")
            yield record.reply("accept", on_behalf_of="intake")


class Crash(BaseException):
    """The process dies (nothing after it runs)."""


def test_replies_arrive_once_with_key_on_the_agencys_own_topic(kafka_bootstrap: str) -> None:
    settings = kafka_settings(kafka_bootstrap)
    records = new_referrals(settings, 3)
    produce_feed(kafka_bootstrap, settings, records)
    parts = build_parts(settings)
    runner = build_runner(Intake(), parts, settings, stop=__import__("threading").Event())
    try:
        run_until(runner.run_once, lambda: runner.stats["committed"] == 3)
    finally:
        parts.close()

    assert settings.replies_topic == f"{settings.topic_prefix}.replies.{settings.agency_id}"
    replies = read_topic(kafka_bootstrap, settings.replies_topic, expect=6)
    assert len(replies) == 6
    values = [orjson.loads(m.value) for m in replies]
    for r in records:  # a referral's replies share a key, so a partition: in order
        mine = [v["action"] for v in values if v["referral_id"] == r["referral_id"]]
        assert mine == ["receive", "accept"]
    assert len({v["idempotency_key"] for v in values}) == 6
    for m, v in zip(replies, values, strict=True):
        assert m.key == v["referral_id"].encode()
        assert v["agency_id"] == settings.agency_id
        assert dict(m.headers) == {"idempotency_key": v["idempotency_key"].encode()}
        assert v["agency_id"] == settings.agency_id
        assert (v["on_behalf_of"], v["reason"], v["outcome"]) == ("intake", None, None)


def test_a_crash_before_the_commit_redelivers_and_the_reply_is_identical(
    kafka_bootstrap: str,
) -> None:
    import threading

    settings = kafka_settings(kafka_bootstrap)
    records = new_referrals(settings, 2)
    produce_feed(kafka_bootstrap, settings, records)

    parts = build_parts(settings)
    runner = build_runner(Intake(), parts, settings, stop=threading.Event())
    committed = parts.source.commit
    crashed: list[FeedRecord] = []

    def commit_then_crash_on_second(record: FeedRecord) -> None:
        if runner.stats["committed"] == 1:
            crashed.append(record)
            raise Crash  # the replies of this record are sent, its offset is not committed
        committed(record)

    parts.source.commit = commit_then_crash_on_second  # type: ignore[method-assign]
    with pytest.raises(Crash):
        run_until(runner.run_once, lambda: False)
    parts.close()

    restarted = build_parts(settings)
    again = build_runner(Intake(), restarted, settings, stop=threading.Event())
    handled: list[FeedRecord] = []
    process = again.process
    again.process = lambda r: (handled.append(r), process(r))[1]  # type: ignore[method-assign]
    try:
        run_until(again.run_once, lambda: again.stats["committed"] >= 1)
        assert handled == crashed  # only the crashed record came again
    finally:
        restarted.close()

    replies = read_topic(kafka_bootstrap, settings.replies_topic, expect=6)
    second = [m for m in replies if m.key == crashed[0].referral_id.encode()]
    assert len(replies) == 6 and len(second) == 4
    assert second[0].value == second[2].value and second[1].value == second[3].value
    assert second[0].headers == second[2].headers


class Fragile(Intake):
    """Fails on one referral every time: a poison record."""

    def __init__(self, poison: str) -> None:
        self.poison = poison
        self.attempts = 0

    def handle(self, record: FeedRecord) -> Iterable[Reply]:
        if record.referral_id == self.poison:
            self.attempts += 1
            raise KeyError("no such service code")
        return super().handle(record)


def test_a_poison_record_goes_to_the_agency_dlq_and_the_rest_go_on(kafka_bootstrap: str) -> None:
    import threading

    settings = kafka_settings(kafka_bootstrap)
    records = new_referrals(settings, 3)
    produce_feed(kafka_bootstrap, settings, records)
    garbage = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    garbage.send(settings.agency_topic, key=b"?", value=b"\x00not a record").get(10)
    garbage.close()
    poison = records[1]["referral_id"]
    handler = Fragile(poison)
    parts = build_parts(settings)
    runner = build_runner(handler, parts, settings, stop=threading.Event())
    try:
        run_until(runner.run_once, lambda: runner.stats["committed"] == 4)
    finally:
        parts.close()

    assert handler.attempts == settings.max_attempts == 3
    assert runner.stats["dead"] == 2
    dead = read_topic(kafka_bootstrap, settings.dead_letter_topic, expect=2)
    assert len(dead) == 2
    invalid = next(m for m in dead if m.value == b"\x00not a record")
    assert dict(invalid.headers)["error"] == b"invalid-record"
    [dead_record] = [m for m in dead if m is not invalid]
    assert orjson.loads(dead_record.value) == records[1]
    headers = dict(dead_record.headers)
    assert headers["error"] == b"handler-failed"
    assert headers["attempts"] == b"3"
    assert b"KeyError" in headers["detail"]
    assert headers["source"].startswith(settings.agency_topic.encode())
    replies = read_topic(kafka_bootstrap, settings.replies_topic, expect=4)
    assert {orjson.loads(m.value)["referral_id"] for m in replies} == {
        records[0]["referral_id"],
        records[2]["referral_id"],
    }

    restarted = build_parts(settings)  # everything was committed: nothing comes again
    again = build_runner(Intake(), restarted, settings, stop=threading.Event())
    try:
        run_until(again.run_once, restarted.source.caught_up)
        assert again.stats["committed"] == 0
    finally:
        restarted.close()
