"""Appends handed to the Kafka log's writer without a waiting thread (``submit_events``).

A conflicting append is refused alone; a writer fenced while a group is in flight answers
every append of it (and those queued behind it) with a failure, and none of them is in the
topic; a writer not ready yet takes nothing (the caller appends the blocking way).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence

import pytest
from eventsourcing.persistence import IntegrityError

from hub.eventlog import transactions
from hub.eventlog.errors import LogUnavailable
from tests.integration.eventlog_kafka.conftest import event

pytestmark = pytest.mark.kafka


class Answers:
    def __init__(self) -> None:
        self.got: dict[str, tuple[Sequence[int] | None, BaseException | None]] = {}
        self._lock = threading.Lock()
        self._all = threading.Event()
        self.wanted = 0

    def done(self, name: str):  # type: ignore[no-untyped-def]
        def answer(ids: Sequence[int] | None, error: BaseException | None) -> None:
            with self._lock:
                self.got[name] = (None if ids is None else list(ids), error)
                if len(self.got) == self.wanted:
                    self._all.set()

        self.wanted += 1
        return answer

    def wait(self) -> None:
        assert self._all.wait(30), self.got


def test_a_writer_not_ready_takes_nothing(env_factory, factories) -> None:
    recorder = factories(env_factory()).application_recorder()
    answers = Answers()
    assert recorder.submit_events([event(uuid.uuid4(), 1)], None, answers.done("x")) is False
    assert recorder.insert_events([event(uuid.uuid4(), 1)]) == [1]  # takes the log over
    assert recorder.submit_events([event(uuid.uuid4(), 1)], None, answers.done("y")) is True
    answers.wanted = 1
    answers.wait()
    assert answers.got["y"] == ([2], None)


def test_a_conflicting_submitted_append_is_refused_alone(env_factory, factories) -> None:
    recorder = factories(env_factory()).application_recorder()
    a = uuid.uuid4()
    assert recorder.insert_events([event(a, 1)]) == [1]
    answers = Answers()
    assert recorder.submit_events([event(a, 2)], None, answers.done("first"))
    assert recorder.submit_events([event(a, 2), event(a, 3)], None, answers.done("conflicting"))
    assert recorder.submit_events([event(a, 3)], None, answers.done("third"))
    answers.wait()
    assert answers.got["first"] == ([2], None)
    ids, error = answers.got["conflicting"]
    assert ids is None and isinstance(error, IntegrityError)
    assert answers.got["third"] == ([3], None)
    assert [e.originator_version for e in recorder.select_events(a)] == [1, 2, 3]


def test_a_writer_fenced_with_a_group_in_flight_acknowledges_none_of_it(
    env_factory, factories, monkeypatch
) -> None:
    env_a = env_factory()
    env_b = env_factory(topic=env_a["HUB_LOG_TOPIC"])
    first = factories(env_a).application_recorder()
    aggregate = uuid.uuid4()
    assert first.insert_events([event(aggregate, 1)]) == [1]
    producer_a = first.log.writer._producer
    in_flight, go_on = threading.Event(), threading.Event()
    real_end = transactions.end

    def end_after_takeover(producer, config):  # type: ignore[no-untyped-def]
        if producer is producer_a:  # the group's records handed over, commit not yet asked for
            in_flight.set()
            go_on.wait(20)
        return real_end(producer, config)

    monkeypatch.setattr(transactions, "end", end_after_takeover)
    answers = Answers()
    streams = [uuid.uuid4() for _ in range(4)]
    assert first.submit_events([event(streams[0], 1)], None, answers.done("in flight"))
    assert in_flight.wait(10)
    for n, stream in enumerate(streams[1:]):  # queued behind the group in flight
        assert first.submit_events([event(stream, 1)], None, answers.done(f"queued {n}"))
    second = factories(env_b).application_recorder()
    assert second.insert_events([event(aggregate, 2)]) == [2]  # takes over mid-transaction
    go_on.set()
    answers.wait()
    for name, (ids, error) in answers.got.items():
        assert ids is None and isinstance(error, LogUnavailable), name

    assert second.insert_events([event(aggregate, 3)]) == [3]
    fresh = factories(dict(env_a, HUB_REPLICA_PATH=env_a["HUB_REPLICA_PATH"] + ".fresh"))
    rebuilt = fresh.application_recorder()
    assert [n.id for n in rebuilt.select_notifications(None, 10)] == [1, 2, 3]
    assert all(rebuilt.select_events(stream) == [] for stream in streams)
