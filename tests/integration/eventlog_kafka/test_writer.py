"""The single writer: fencing, version conflicts under concurrency, group commit, restart."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError

from hub.eventlog import transactions
from hub.eventlog.errors import LogUnavailable, WriterFenced
from hub.eventlog.records import EventRecord, WriterRecord, decode
from tests.integration.eventlog_kafka.conftest import committed_transactions, event

pytestmark = pytest.mark.kafka


def test_a_second_writer_fences_the_first_which_never_writes_again(env_factory, factories):
    env_a = env_factory()
    env_b = env_factory(topic=env_a["HUB_LOG_TOPIC"])  # another hub: same log, own replica
    first = factories(env_a).application_recorder()
    aggregate = uuid.uuid4()
    assert first.insert_events([event(aggregate, 1)]) == [1]

    second = factories(env_b).application_recorder()
    assert second.insert_events([event(aggregate, 2)]) == [2]

    refused = uuid.uuid4()
    with pytest.raises(WriterFenced) as fenced:
        first.insert_events([event(refused, 1)])
    assert isinstance(fenced.value, LogUnavailable)
    started = time.monotonic()
    with pytest.raises(WriterFenced):
        first.insert_events([event(refused, 2)])
    assert time.monotonic() - started < 0.5
    assert first.select_events(aggregate) == [event(aggregate, 1)]  # reads still work

    assert second.insert_events([event(aggregate, 3)]) == [3]
    values = [value for group in committed_transactions(env_a) for value in group]
    written = [decode(v) for v in values]
    assert [r.event.originator_id for r in written if isinstance(r, EventRecord)] == [aggregate] * 3
    assert len({r.instance for r in written if isinstance(r, WriterRecord)}) == 2
    assert all(refused.bytes not in value for value in values)


def test_concurrent_appends_to_one_aggregate_exactly_one_wins_each_version(env_factory, factories):
    recorder = factories(env_factory()).application_recorder()
    aggregate = uuid.uuid4()
    threads, versions = 12, 15
    barrier = threading.Barrier(threads)
    outcomes: dict[int, list[str]] = {v: [] for v in range(1, versions + 1)}
    lock = threading.Lock()

    def contend(worker: int) -> None:
        for version in range(1, versions + 1):
            barrier.wait(timeout=30)
            try:
                recorder.insert_events([event(aggregate, version, f"w{worker}".encode())])
                result = f"w{worker}"
            except IntegrityError:
                result = "conflict"
            with lock:
                outcomes[version].append(result)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(contend, range(threads)))

    stored = recorder.select_events(aggregate)
    assert [e.originator_version for e in stored] == list(range(1, versions + 1))
    for version, results in outcomes.items():
        winners = [r for r in results if r != "conflict"]
        assert len(winners) == 1, (version, results)
        assert results.count("conflict") == threads - 1
        assert stored[version - 1].state == winners[0].encode()
    ids = [n.id for n in recorder.select_notifications(None, 100)]
    assert ids == list(range(1, versions + 1))


def test_concurrent_calls_share_transactions_without_being_split(env_factory, factories):
    env = env_factory()
    recorder = factories(env).application_recorder()
    recorder.insert_events([event(uuid.uuid4(), 1)])  # the writer has taken the log over
    calls_per_thread, threads, events_per_call = 25, 8, 4

    def append_calls(_: int) -> list[list[int]]:
        aggregate = uuid.uuid4()
        ids = []
        for call in range(calls_per_thread):
            first = call * events_per_call + 1
            batch = [event(aggregate, first + i) for i in range(events_per_call)]
            ids.append(list(recorder.insert_events(batch)))
        return ids

    with ThreadPoolExecutor(threads) as pool:
        calls = [ids for result in pool.map(append_calls, range(threads)) for ids in result]

    for ids in calls:  # each call's ids are contiguous
        assert ids == list(range(ids[0], ids[0] + events_per_call))
    transaction_of: dict[int, int] = {}
    event_transactions = 0
    for index, group in enumerate(committed_transactions(env)):
        records = [decode(v) for v in group]
        numbers = [r.notification_id for r in records if isinstance(r, EventRecord)]
        event_transactions += bool(numbers)
        transaction_of.update(dict.fromkeys(numbers, index))
    for ids in calls:  # ... and all in one transaction
        assert len({transaction_of[i] for i in ids}) == 1
    assert event_transactions < len(calls)  # transactions were shared


def test_a_restarted_hub_finds_every_acknowledged_event(env_factory, factories):
    env = env_factory()
    factory = factories(env)
    recorder = factory.application_recorder()
    acknowledged: dict[uuid.UUID, list[int]] = {}

    def append(_: int) -> None:
        aggregate = uuid.uuid4()
        acknowledged[aggregate] = []
        for version in range(1, 11):
            acknowledged[aggregate].extend(recorder.insert_events([event(aggregate, version)]))

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(append, range(6)))
    factory.close()

    restarted = factories(env).application_recorder()
    for aggregate, ids in acknowledged.items():
        assert [e.originator_version for e in restarted.select_events(aggregate)] == list(
            range(1, 11)
        )
        notes = restarted.select_notifications(min(ids), 1)
        assert notes[0].originator_id == aggregate
    assert restarted.max_notification_id() == 60
    assert restarted.insert_events([event(uuid.uuid4(), 1)]) == [61]


def test_a_writer_fenced_in_the_middle_of_a_transaction_stops_and_its_records_are_dropped(
    env_factory, factories, monkeypatch
):
    env_a = env_factory()
    env_b = env_factory(topic=env_a["HUB_LOG_TOPIC"])
    first = factories(env_a).application_recorder()
    aggregate = uuid.uuid4()
    assert first.insert_events([event(aggregate, 1)]) == [1]
    producer_a = first.log.writer._producer
    in_flight, go_on = threading.Event(), threading.Event()
    real_end = transactions.end

    def end_after_takeover(producer, config):
        if producer is producer_a:  # records handed over, commit not yet asked for
            in_flight.set()
            go_on.wait(20)
        return real_end(producer, config)

    monkeypatch.setattr(transactions, "end", end_after_takeover)
    refused = uuid.uuid4()
    outcome: list[BaseException] = []

    def append_in_flight() -> None:
        try:
            first.insert_events([event(refused, 1)])
        except LogUnavailable as problem:
            outcome.append(problem)

    thread = threading.Thread(target=append_in_flight)
    thread.start()
    assert in_flight.wait(10)
    second = factories(env_b).application_recorder()
    assert second.insert_events([event(aggregate, 2)]) == [2]  # takes over mid-transaction
    go_on.set()
    thread.join(20)
    assert outcome and isinstance(outcome[0], LogUnavailable)  # not acknowledged

    deadline = time.monotonic() + 20
    while True:  # unavailable first, then it learns it was fenced, and stays so
        try:
            first.insert_events([event(refused, 2)])
        except WriterFenced:
            break
        except LogUnavailable:
            assert time.monotonic() < deadline, "the old writer never learnt it was fenced"
            time.sleep(0.5)
    with pytest.raises(WriterFenced):
        first.insert_events([event(refused, 3)])

    assert second.insert_events([event(aggregate, 3)]) == [3]
    fresh = factories(dict(env_a, HUB_REPLICA_PATH=env_a["HUB_REPLICA_PATH"] + ".fresh"))
    rebuilt = fresh.application_recorder()
    assert [n.id for n in rebuilt.select_notifications(None, 10)] == [1, 2, 3]
    assert rebuilt.select_events(refused) == []


CHILD = """
import sys, uuid
from eventsourcing.persistence import StoredEvent
from hub.eventlog.kafka import KafkaFactory
recorder = KafkaFactory(dict(arg.split("=", 1) for arg in sys.argv[1:])).application_recorder()
aggregate = uuid.UUID(sys.stdin.readline().strip())
version = 0
while True:
    version += 1
    recorder.insert_events([StoredEvent(aggregate, version, "tests:Happened", b"{}")])
    print(version, flush=True)
"""


def test_a_killed_hub_loses_no_acknowledged_event(env_factory, factories):
    env = env_factory()
    aggregate = uuid.uuid4()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *(f"{k}={v}" for k, v in env.items())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    try:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(f"{aggregate}\n")
        child.stdin.flush()
        acknowledged = 0
        while acknowledged < 40:
            line = child.stdout.readline()
            assert line, "the writer process died"
            acknowledged = int(line)
        child.kill()  # SIGKILL, mid-stream
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()

    versions = [
        e.originator_version for e in factories(env).application_recorder().select_events(aggregate)
    ]
    assert versions[:acknowledged] == list(range(1, acknowledged + 1))
    assert versions == list(range(1, len(versions) + 1))  # and nothing torn after them
