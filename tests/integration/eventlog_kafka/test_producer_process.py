"""The log's producer in a process of its own: it lives and dies with its writer."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from hub.eventlog import transactions
from hub.eventlog.errors import LogUnavailable
from hub.eventlog.records import EventRecord, decode
from tests.integration.eventlog_kafka.conftest import (
    append_once_back,
    committed_transactions,
    event,
    kafka_env,
)

pytestmark = pytest.mark.kafka


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


def wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_producer_runs_in_its_own_process_and_stops_with_the_log(env_factory, factories):
    env = env_factory()
    factory = factories(env)
    recorder = factory.application_recorder()
    assert recorder.insert_events([event(uuid.uuid4(), 1)]) == [1]
    producer = recorder.log.writer._producer
    assert producer is not None and producer.pid not in (None, os.getpid())
    assert alive(producer.pid)
    factory.close()
    assert wait_gone(producer.pid, 5)


def test_a_killed_producer_process_loses_no_acknowledged_append_and_is_replaced(
    env_factory, factories
):
    env = env_factory()
    recorder = factories(env).application_recorder()
    acknowledged = uuid.uuid4()
    assert recorder.insert_events([event(acknowledged, 1)]) == [1]
    killed = recorder.log.writer._producer.pid
    os.kill(killed, signal.SIGKILL)
    assert wait_gone(killed, 5)

    refused = uuid.uuid4()
    with pytest.raises(LogUnavailable):  # not acknowledged: the producer is gone
        recorder.insert_events([event(refused, 1)])
    # a new producer takes the log over after the retry delay
    assert append_once_back(recorder, [event(acknowledged, 2)]) == [2]
    assert recorder.log.writer._producer.pid != killed
    assert [e.originator_version for e in recorder.select_events(acknowledged)] == [1, 2]
    assert recorder.select_events(refused) == []
    written = [decode(v) for group in committed_transactions(env) for v in group]
    events = [r.event.originator_id for r in written if isinstance(r, EventRecord)]
    assert events == [acknowledged, acknowledged]


WRITER = """
import os, sys, uuid
from hub.eventlog.kafka import KafkaFactory
from tests.integration.eventlog_kafka.conftest import event
recorder = KafkaFactory(dict(os.environ)).application_recorder()
assert recorder.insert_events([event(uuid.uuid4(), 1)]) == [1]
print(recorder.log.writer._producer.pid, flush=True)
sys.stdin.readline()
"""


def test_the_producer_process_exits_when_its_writer_s_process_is_killed(kafka_bootstrap, tmp_path):
    env = dict(os.environ, **kafka_env(kafka_bootstrap, tmp_path))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        producer = int(writer.stdout.readline())
        assert alive(producer)
        writer.kill()  # no clean-up runs: only the pipe's closing tells the producer
        writer.wait(10)
        assert wait_gone(producer, 10), "the producer outlived its writer"
    finally:
        if writer.poll() is None:
            writer.kill()


def test_a_producer_process_that_stops_answering_fails_the_append_in_bounded_time(
    env_factory, factories
):
    env = env_factory()  # HUB_LOG_TIMEOUT=2
    recorder = factories(env).application_recorder()
    stream = uuid.uuid4()
    assert recorder.insert_events([event(stream, 1)]) == [1]
    stopped = recorder.log.writer._producer.pid
    os.kill(stopped, signal.SIGSTOP)  # alive, holding its pipe, answering nothing
    try:
        started = time.monotonic()
        with pytest.raises(LogUnavailable) as refused:
            recorder.insert_events([event(stream, 2)])
        assert time.monotonic() - started < 2 + transactions.MARGIN + 3
        assert "CommitUnconfirmed" in str(refused.value)  # not answered: outcome unknown
        assert wait_gone(stopped, 5), "the writer left its stopped producer behind"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(stopped, signal.SIGCONT)
    # a new producer takes the log over; the append never acknowledged is retried
    assert append_once_back(recorder, [event(stream, 2)]) == [2]
    assert [e.originator_version for e in recorder.select_events(stream)] == [1, 2]
