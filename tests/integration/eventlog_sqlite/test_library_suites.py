"""The embedded log held to the library's own recorder conformance suites, unmodified.

Subclassed the way ``eventsourcing``'s own ``tests/persistence_tests/test_sqlite.py`` does,
plus ``optional_test_insert_subscribe``, which the library's SQLite recorder cannot pass.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import (
    ApplicationRecorder,
    InfrastructureFactory,
    ProcessRecorder,
    TrackingRecorder,
)
from eventsourcing.sqlite import (
    SQLiteDatastore,
    SQLiteTrackingRecorder,
)
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    InfrastructureFactoryTestCase,
    ProcessRecorderTestCase,
    TrackingRecorderTestCase,
    tmpfile_uris,
)
from eventsourcing.utils import Environment

from hub.eventlog.sqlite import (
    ApplicationRecorderWithSubscribe,
    Factory,
    ProcessRecorderWithSubscribe,
)
from tests.support.library_suites import SQLiteAggregatesAndTracking


class TestApplicationRecorder(ApplicationRecorderTestCase[ApplicationRecorderWithSubscribe]):
    EXPECT_CONTIGUOUS_NOTIFICATION_IDS = True
    db_uri = ":memory:"

    def create_recorder(self) -> ApplicationRecorderWithSubscribe:
        recorder = ApplicationRecorderWithSubscribe(
            SQLiteDatastore(db_name=self.db_uri, pool_size=100)
        )
        recorder.create_table()
        return recorder

    def test_insert_subscribe(self) -> None:
        super().optional_test_insert_subscribe()

    def test_insert_subscribe_file_db(self) -> None:
        self.db_uri = next(tmpfile_uris())
        super().optional_test_insert_subscribe()

    def test_concurrent_no_conflicts(self, initial_position: int = 0) -> None:
        self.db_uri = next(tmpfile_uris())
        super().test_concurrent_no_conflicts()

    def test_concurrent_no_conflicts_in_memory_db(self) -> None:
        self.db_uri = "file::memory:?cache=shared"
        super().test_concurrent_no_conflicts()

    def test_concurrent_throughput(self) -> None:
        self.db_uri = next(tmpfile_uris())
        super().test_concurrent_throughput()


class TestTrackingRecorder(TrackingRecorderTestCase):
    def create_recorder(self) -> TrackingRecorder:
        recorder = SQLiteTrackingRecorder(SQLiteDatastore(":memory:"))
        recorder.create_table()
        return recorder


class TestProcessRecorder(ProcessRecorderTestCase):
    def create_recorder(self) -> ProcessRecorder:
        recorder = ProcessRecorderWithSubscribe(SQLiteDatastore(db_name=":memory:"))
        recorder.create_table()
        return recorder


class TestFactory(SQLiteAggregatesAndTracking, InfrastructureFactoryTestCase[Factory]):
    def expected_factory_class(self) -> type[Factory]:
        return Factory

    def expected_application_recorder_class(self) -> type[ApplicationRecorder]:
        return ApplicationRecorderWithSubscribe

    def expected_process_recorder_class(self) -> type[ProcessRecorder]:
        return ProcessRecorderWithSubscribe

    def setUp(self) -> None:
        self.env = Environment("TestCase")
        self.env[InfrastructureFactory.PERSISTENCE_MODULE] = "hub.eventlog.sqlite:Factory"
        self.env[Factory.SQLITE_DBNAME] = ":memory:"
        super().setUp()

    def tearDown(self) -> None:
        super().tearDown()
        for key in (Factory.SQLITE_DBNAME, Factory.SQLITE_POLL_INTERVAL):
            if key in self.env:
                del self.env[key]

    def test_poll_interval_setting(self) -> None:
        self.assertEqual(self.factory.application_recorder().poll_interval, 0.2)  # type: ignore[attr-defined]
        self.env[Factory.SQLITE_POLL_INTERVAL] = "0.05"
        factory: Any = InfrastructureFactory.construct(self.env)
        self.assertEqual(factory.application_recorder().poll_interval, 0.05)
        self.assertEqual(factory.process_recorder().poll_interval, 0.05)
        self.env[Factory.SQLITE_POLL_INTERVAL] = "soon"
        with self.assertRaises(OSError):
            InfrastructureFactory.construct(self.env)


del ApplicationRecorderTestCase
del TrackingRecorderTestCase
del ProcessRecorderTestCase
del InfrastructureFactoryTestCase
