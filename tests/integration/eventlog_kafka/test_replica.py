"""The replica is a cache of the topic: deleted, it is rebuilt with the same events and ids."""

from __future__ import annotations

import shutil
import uuid

import pytest
from eventsourcing.persistence import Tracking

from hub.eventlog.replica import Replica
from tests.integration.eventlog_kafka.conftest import event, remove_replica

pytestmark = pytest.mark.kafka


def test_a_deleted_replica_is_rebuilt_with_the_same_events_and_ids(env_factory, factories):
    env = env_factory()
    factory = factories(env)
    recorder = factory.process_recorder()
    aggregates = [uuid.uuid4() for _ in range(5)]
    for version in range(1, 5):
        recorder.insert_events(
            [event(a, version, f"{a}-{version}".encode()) for a in aggregates],
            tracking=Tracking("upstream", version * 10),
        )
    before = recorder.select_notifications(None, 1000)
    factory.close()

    remove_replica(env["HUB_REPLICA_PATH"])
    rebuilt = factories(env).process_recorder()

    assert rebuilt.select_notifications(None, 1000) == before
    assert [n.id for n in before] == list(range(1, 21))
    assert rebuilt.max_tracking_id("upstream") == 40
    assert rebuilt.select_events(aggregates[2], desc=True, limit=1)[0].originator_version == 4
    assert rebuilt.insert_events([event(aggregates[0], 5)]) == [21]


def test_a_replica_left_behind_catches_up_on_start(env_factory, factories, tmp_path):
    env = env_factory()
    factory = factories(env)
    recorder = factory.application_recorder()
    aggregate = uuid.uuid4()
    recorder.insert_events([event(aggregate, v) for v in range(1, 4)])
    factory.close()
    shutil.copy(env["HUB_REPLICA_PATH"], tmp_path / "old.sqlite")

    factory = factories(env)
    factory.application_recorder().insert_events([event(aggregate, v) for v in range(4, 7)])
    factory.close()
    remove_replica(env["HUB_REPLICA_PATH"])
    shutil.copy(tmp_path / "old.sqlite", env["HUB_REPLICA_PATH"])
    old = Replica(env["HUB_REPLICA_PATH"])
    assert old.max_notification_id() == 3
    old.close()

    restarted = factories(env).application_recorder()
    assert [e.originator_version for e in restarted.select_events(aggregate)] == list(range(1, 7))
    assert restarted.insert_events([event(aggregate, 7)]) == [7]


def test_a_reader_process_follows_the_writer_through_subscribe(env_factory, factories):
    env = env_factory()
    writer = factories(env).application_recorder()
    writer.insert_events([event(uuid.uuid4(), 1)])
    reader_env = dict(env, HUB_REPLICA_PATH=env["HUB_REPLICA_PATH"] + ".worker")
    reader = factories(reader_env).application_recorder()  # e.g. the projection worker
    aggregate = uuid.uuid4()
    with reader.subscribe(gt=1) as subscription:
        writer.insert_events([event(aggregate, 1), event(aggregate, 2)])
        seen = []
        for notification in subscription:
            seen.append((notification.id, notification.originator_version))
            if len(seen) == 2:
                break
    assert seen == [(2, 1), (3, 2)]
    assert reader.select_events(aggregate) == writer.select_events(aggregate)
