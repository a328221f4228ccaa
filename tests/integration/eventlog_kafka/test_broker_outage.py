"""The broker goes away and comes back: quick refusals, nothing partial, recovery by itself.

Tansu keeps its log in memory, so a restarted Tansu is empty. A real broker keeps the topic
on disk; the test stands in for that disk by putting the committed transactions back, record
for record (same offsets), before the writer reconnects. Restarted empty instead, the broker
has lost the log: the writer must notice and refuse rather than start a second history.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from hub.eventlog.errors import LogUnavailable
from hub.eventlog.records import EventRecord, decode
from tests.integration.eventlog_kafka.conftest import (
    append_once_back,
    committed_transactions,
    event,
    kafka_env,
    restore,
)
from tests.support.tansu import TansuBroker

pytestmark = pytest.mark.kafka


@pytest.fixture
def broker():
    own = TansuBroker()
    own.start()
    yield own
    own.close()


def refused_quickly(recorder, aggregate, version) -> float:
    started = time.monotonic()
    with pytest.raises(LogUnavailable) as refused:
        recorder.insert_events([event(aggregate, version)])
    assert refused.value.retry_after >= 1
    return time.monotonic() - started


def test_writer_refuses_fast_while_the_broker_is_down_and_recovers_by_itself(
    broker, factories, tmp_path: Path
):
    env = kafka_env(broker.bootstrap, tmp_path)  # HUB_LOG_TIMEOUT=2
    recorder = factories(env).application_recorder()
    aggregate = uuid.uuid4()
    assert recorder.insert_events([event(aggregate, 1), event(aggregate, 2)]) == [1, 2]
    kept = committed_transactions(env)

    broker.stop()
    assert refused_quickly(recorder, aggregate, 3) < 6  # the first waits for the timeout
    assert refused_quickly(recorder, aggregate, 3) < 0.5  # then at once
    assert recorder.max_notification_id() == 2  # nothing appended, reads still answer
    assert len(recorder.select_events(aggregate)) == 2

    broker.start()
    restore(env, kept)
    assert append_once_back(recorder, [event(aggregate, 3)], seconds=30) == [3]

    fresh = factories(dict(env, HUB_REPLICA_PATH=str(tmp_path / "fresh.sqlite")))
    rebuilt = fresh.application_recorder()
    assert [e.originator_version for e in rebuilt.select_events(aggregate)] == [1, 2, 3]
    assert [n.id for n in rebuilt.select_notifications(None, 10)] == [1, 2, 3]


def test_writer_refuses_a_broker_that_came_back_without_the_log(broker, factories, tmp_path):
    env = kafka_env(broker.bootstrap, tmp_path)
    recorder = factories(env).application_recorder()
    aggregate = uuid.uuid4()
    assert recorder.insert_events([event(aggregate, 1)]) == [1]

    broker.stop()
    refused_quickly(recorder, aggregate, 2)
    broker.start()  # empty: the log is gone
    time.sleep(5)  # several recovery attempts
    with pytest.raises(LogUnavailable, match="diverged"):
        recorder.insert_events([event(aggregate, 2)])
    values = [value for group in committed_transactions(env) for value in group]
    assert not any(isinstance(decode(value), EventRecord) for value in values)


def test_a_hub_started_while_the_broker_is_away_writes_once_it_comes(broker, factories, tmp_path):
    env = kafka_env(broker.bootstrap, tmp_path)
    broker.stop()
    recorder = factories(env).application_recorder()  # opens on its (empty) replica
    aggregate = uuid.uuid4()
    refused_quickly(recorder, aggregate, 1)
    assert recorder.max_notification_id() is None

    broker.start()
    deadline = time.monotonic() + 30
    while True:
        try:
            assert recorder.insert_events([event(aggregate, 1)]) == [1]
            break
        except LogUnavailable:
            assert time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.5)
    assert recorder.insert_events([event(aggregate, 2)]) == [2]
