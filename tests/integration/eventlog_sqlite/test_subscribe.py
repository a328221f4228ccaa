"""Subscriptions on the embedded log: woken in-process at once, polling another process."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from uuid import uuid4

from eventsourcing.persistence import InfrastructureFactory, Notification, StoredEvent

from hub.eventlog.sqlite import Factory

APPEND_SCRIPT = """
import sys
from uuid import uuid4
from eventsourcing.persistence import InfrastructureFactory, StoredEvent
env = {"PERSISTENCE_MODULE": "hub.eventlog.sqlite:Factory", "SQLITE_DBNAME": sys.argv[1]}
factory = InfrastructureFactory.construct(env)
recorder = factory.application_recorder()
originator = uuid4()
recorder.insert_events(
    [StoredEvent(originator, v, "topic-" + sys.argv[2], b"x") for v in range(1, 4)]
)
factory.close()
"""


def recorder_for(db: Path, poll: float):  # type: ignore[no-untyped-def]
    env = {
        "PERSISTENCE_MODULE": "hub.eventlog.sqlite:Factory",
        "SQLITE_DBNAME": str(db),
        "SQLITE_POLL_INTERVAL": str(poll),
    }
    factory = InfrastructureFactory.construct(env)
    assert isinstance(factory, Factory)
    return factory, factory.application_recorder()


def collect(subscription, wanted: int, into: list[tuple[float, Notification]]) -> None:  # type: ignore[no-untyped-def]
    for notification in subscription:
        into.append((time.monotonic(), notification))
        if len(into) == wanted:
            break


def append(recorder, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    originator = uuid4()
    return recorder.insert_events(
        [StoredEvent(originator, v, "topic", b"state") for v in range(1, n + 1)]
    )


def test_in_process_append_wakes_a_subscription_on_another_recorder_at_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "log.sqlite"
    writer_factory, writer = recorder_for(db, poll=30.0)
    reader_factory, reader = recorder_for(db, poll=30.0)  # polling alone would take 30 s
    received: list[tuple[float, Notification]] = []
    with reader.subscribe(gt=None) as subscription:
        thread = threading.Thread(target=collect, args=(subscription, 2, received))
        thread.start()
        time.sleep(0.3)
        sent_at = time.monotonic()
        assert append(writer, 2) == [1, 2]
        thread.join(timeout=5)
        assert not thread.is_alive()
    assert [n.id for _, n in received] == [1, 2]
    assert received[-1][0] - sent_at < 0.5
    writer_factory.close()
    reader_factory.close()


def test_another_process_appends_are_seen_within_the_poll_interval(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    factory, reader = recorder_for(db, poll=0.1)
    append(reader, 1)
    received: list[tuple[float, Notification]] = []
    with reader.subscribe(gt=1) as subscription:
        thread = threading.Thread(target=collect, args=(subscription, 6, received))
        thread.start()
        for run in ("a", "b"):
            subprocess.run(
                [sys.executable, "-c", APPEND_SCRIPT, str(db), run], check=True, timeout=60
            )
        thread.join(timeout=5)
        assert not thread.is_alive()
    assert [n.id for _, n in received] == [2, 3, 4, 5, 6, 7]
    assert [n.topic for _, n in received] == ["topic-a"] * 3 + ["topic-b"] * 3
    factory.close()


def test_the_log_is_durable_across_reopening(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite"
    factory, recorder = recorder_for(db, poll=0.1)
    append(recorder, 3)
    factory.close()
    factory, recorder = recorder_for(db, poll=0.1)
    assert recorder.max_notification_id() == 3
    with recorder.subscribe(gt=1, topics=["topic"]) as subscription:
        got = [next(subscription).id, next(subscription).id]
    assert got == [2, 3]
    factory.close()


def test_stopping_ends_the_subscription_threads(tmp_path: Path) -> None:
    factory, recorder = recorder_for(tmp_path / "log.sqlite", poll=0.1)
    before = threading.active_count()
    with recorder.subscribe() as subscription:
        assert threading.active_count() > before
        subscription.stop()
        assert list(subscription) == []
    assert threading.active_count() == before
    factory.close()


def test_a_settled_subscription_takes_many_commits_in_few_pulls_and_misses_none(
    tmp_path: Path,
) -> None:
    db = tmp_path / "log.sqlite"
    writer_factory, writer = recorder_for(db, poll=30.0)
    reader_factory, reader = recorder_for(db, poll=30.0)
    pulls: list[float] = []
    got: list[tuple[float, Notification]] = []
    try:
        with reader.subscribe(gt=None) as subscription:
            subscription.settle = 0.2
            select = reader.select_notifications

            def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
                pulls.append(time.monotonic())
                return select(*args, **kwargs)

            reader.select_notifications = counted  # type: ignore[method-assign]
            thread = threading.Thread(target=collect, args=(subscription, 60, got))
            thread.start()
            started = time.monotonic()
            for _ in range(30):  # 30 commits, each waking the subscription, within ~0.3 s
                append(writer, 2)
                time.sleep(0.01)
            thread.join(10)
            elapsed = time.monotonic() - started
        assert [n.id for _, n in got] == list(range(1, 61))  # every one, in order, once
        assert len(pulls) <= elapsed / 0.2 + 2  # at most one pull per settle (and the first)
        assert len(pulls) < 30
    finally:
        reader_factory.close()
        writer_factory.close()
