"""The runner's rules, on in-memory sources and sinks: what is committed, retried, dead-lettered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pytest

from connectors import Connector, FeedRecord, Reply, Retryable, Runner
from connectors.backoff import Backoff
from connectors.errors import ConfigurationError, SourceReset
from tests.integration.connectors.feed import feed_record

AGENCY = "5b0f1c9e-1111-4000-8000-000000000002"


@dataclass
class Log:
    """What happened, in order, across source, sink and dead letters."""

    events: list[tuple[str, object]] = field(default_factory=list)


@dataclass
class MemorySource:
    log: Log
    batches: list[list[FeedRecord]]
    reset_on: int | None = None

    def poll(self, timeout: float) -> list[FeedRecord]:
        return self.batches.pop(0) if self.batches else []

    def commit(self, record: FeedRecord) -> None:
        if record.position == self.reset_on:
            self.reset_on = None
            raise SourceReset("rebalanced")
        self.log.events.append(("commit", record.position))

    def keep_alive(self) -> None:
        pass

    def caught_up(self) -> bool:
        return not self.batches

    def close(self) -> None:
        pass


@dataclass
class MemorySink:
    log: Log
    down_for: int = 0

    def send(self, reply: Reply) -> None:
        if self.down_for:
            self.down_for -= 1
            raise Retryable("down")
        self.log.events.append(("send", (reply.referral_id, reply.action)))

    def close(self) -> None:
        pass


@dataclass
class MemoryDeadLetters:
    log: Log

    def put(self, record: FeedRecord, error: str, detail: str, attempts: int) -> None:
        self.log.events.append(("dead", (record.position, error, attempts)))

    def close(self) -> None:
        pass


class Answering(Connector):
    def __init__(self, fail: dict[int, type[BaseException]] | None = None, times: int = 99) -> None:
        self.fail = fail or {}
        self.times = times
        self.calls = 0

    def handle(self, record: FeedRecord) -> Iterable[Reply]:
        self.calls += 1
        if record.position in self.fail and self.times > 0:
            self.times -= 1
            raise self.fail[record.position]("no")
        return [record.reply("receive", "x"), record.reply("accept", "x")]


def records(*positions: int) -> list[FeedRecord]:
    return [FeedRecord.from_dict(feed_record(AGENCY, p)) for p in positions]


def runner(
    connector: Connector,
    batches: list[list[FeedRecord]],
    down_for: int = 0,
    reset_on: int | None = None,
) -> tuple[Runner, Log]:
    log = Log()
    source = MemorySource(log, batches, reset_on)
    backoff = Backoff(base=0.001, cap=0.002)
    dead = MemoryDeadLetters(log)
    return Runner(
        connector, source, MemorySink(log, down_for), dead, max_attempts=3, backoff=backoff
    ), log


def test_a_record_is_committed_only_after_all_its_replies_were_sent() -> None:
    r1, r2 = records(1, 2)
    run, log = runner(Answering(), [[r1, r2]])
    assert run.drain() == 2
    assert [e[0] for e in log.events] == ["send", "send", "commit", "send", "send", "commit"]


def test_an_outage_is_retried_without_counting_as_a_failure() -> None:
    connector = Answering()
    run, log = runner(connector, [records(1)], down_for=10)
    run.drain()
    assert connector.calls == 11 and run.stats["dead"] == 0
    assert log.events[-1] == ("commit", 1)


def test_a_handler_that_keeps_failing_is_dead_lettered_then_committed() -> None:
    connector = Answering(fail={1: KeyError})
    run, log = runner(connector, [records(1, 2)])
    run.drain()
    assert connector.calls == 4  # three attempts, then the next record
    assert log.events[:2] == [("dead", (1, "handler-failed", 3)), ("commit", 1)]
    assert log.events[-1] == ("commit", 2)


def test_a_handler_that_recovers_within_its_attempts_is_not_dead() -> None:
    run, log = runner(Answering(fail={1: ValueError}, times=2), [records(1)])
    run.drain()
    assert run.stats["dead"] == 0 and log.events[-1] == ("commit", 1)


def test_a_reset_drops_the_rest_of_the_batch_uncommitted() -> None:
    run, log = runner(Answering(), [records(1, 2, 3)], reset_on=1)
    assert run.run_once() == 0
    assert ("commit", 2) not in log.events and run.stats["reset"] == 1


def test_a_stop_leaves_the_record_in_hand_uncommitted() -> None:
    run, log = runner(Answering(), [records(1)], down_for=1000)
    run.backoff = Backoff(base=0.05, cap=0.05)
    run.stop.set()
    assert run.run_once() == 0
    assert not any(e[0] == "commit" for e in log.events)


def test_a_configuration_error_stops_the_runner() -> None:
    run, _ = runner(Answering(fail={1: ConfigurationError}), [records(1)])
    with pytest.raises(ConfigurationError):
        run.drain()


def test_two_replies_with_one_key_are_a_failure() -> None:
    class Twice(Connector):
        def handle(self, record: FeedRecord) -> Iterable[Reply]:
            return [record.reply("receive", "a"), record.reply("receive", "b")]

    run, log = runner(Twice(), [records(1)])
    run.drain()
    assert log.events == [("dead", (1, "handler-failed", 3)), ("commit", 1)]
