"""The Kafka log held to the library's own recorder conformance suites, unmodified.

Subclassed as ``eventsourcing``'s own tests do per backend; each recorder gets a fresh topic
and replica on the session's Tansu broker, with contiguous notification ids expected, and the
application recorder also passes ``optional_test_insert_subscribe``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from eventsourcing.persistence import (
    ApplicationRecorder,
    InfrastructureFactory,
    ProcessRecorder,
    TrackingRecorder,
)
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    InfrastructureFactoryTestCase,
    NonInterleavingNotificationIDsBaseCase,
    ProcessRecorderTestCase,
    TrackingRecorderTestCase,
)
from eventsourcing.utils import Environment

from hub.eventlog.kafka import KafkaApplicationRecorder, KafkaFactory, KafkaProcessRecorder
from tests.support.library_suites import SQLiteAggregatesAndTracking

pytestmark = pytest.mark.kafka


class OnBroker:
    """Gives each test the session's broker and a directory, and fresh logs on them."""

    bootstrap: str
    directory: Path

    @pytest.fixture(autouse=True)
    def _on_broker(self, kafka_bootstrap: str, tmp_path: Path) -> None:
        self.bootstrap = kafka_bootstrap
        self.directory = tmp_path

    def new_env(self) -> dict[str, str]:
        name = uuid.uuid4().hex[:12]
        return {
            "PERSISTENCE_MODULE": "hub.eventlog.kafka:KafkaFactory",
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "HUB_LOG_TOPIC": f"suite-{name}.events",
            "HUB_REPLICA_PATH": str(self.directory / f"replica-{name}.sqlite"),
        }

    def new_factory(self) -> KafkaFactory:
        factory = KafkaFactory(self.new_env())
        self.addCleanup(factory.close)  # type: ignore[attr-defined]
        return factory


class TestApplicationRecorder(OnBroker, ApplicationRecorderTestCase[KafkaApplicationRecorder]):
    EXPECT_CONTIGUOUS_NOTIFICATION_IDS = True

    def create_recorder(self) -> KafkaApplicationRecorder:
        recorder = self.new_factory().application_recorder()
        assert isinstance(recorder, KafkaApplicationRecorder)
        return recorder

    def test_insert_subscribe(self) -> None:
        super().optional_test_insert_subscribe()


class TestNonInterleavingNotificationIDs(OnBroker, NonInterleavingNotificationIDsBaseCase):
    def create_recorder(self) -> ApplicationRecorder:
        return self.new_factory().application_recorder()


class TestTrackingRecorder(OnBroker, TrackingRecorderTestCase):
    def create_recorder(self) -> TrackingRecorder:
        return self.new_factory().tracking_recorder()


class TestProcessRecorder(OnBroker, ProcessRecorderTestCase):
    def create_recorder(self) -> ProcessRecorder:
        return self.new_factory().process_recorder()


class TestFactory(
    OnBroker, SQLiteAggregatesAndTracking, InfrastructureFactoryTestCase[KafkaFactory]
):
    def expected_factory_class(self) -> type[KafkaFactory]:
        return KafkaFactory

    def expected_application_recorder_class(self) -> type[ApplicationRecorder]:
        return KafkaApplicationRecorder

    def expected_process_recorder_class(self) -> type[ProcessRecorder]:
        return KafkaProcessRecorder

    def setUp(self) -> None:
        self.env = Environment("TestCase")
        for key, value in self.new_env().items():
            self.env[key] = value
        self.env[InfrastructureFactory.PERSISTENCE_MODULE] = "hub.eventlog.kafka:KafkaFactory"
        super().setUp()

    def test_settings_read_with_the_application_prefix(self) -> None:
        env = Environment("ReliefHub", self.new_env())
        prefixed_topic = f"prefixed-{uuid.uuid4().hex[:8]}.events"
        env["RELIEFHUB_HUB_LOG_TOPIC"] = prefixed_topic
        factory = KafkaFactory(env)
        self.addCleanup(factory.close)
        self.assertEqual(factory.config.topic, prefixed_topic)

    def test_missing_bootstrap_is_an_environment_error(self) -> None:
        env = self.new_env()
        del env["KAFKA_BOOTSTRAP_SERVERS"]
        with self.assertRaises(OSError):
            KafkaFactory(env)


del ApplicationRecorderTestCase
del TrackingRecorderTestCase
del ProcessRecorderTestCase
del NonInterleavingNotificationIDsBaseCase
del InfrastructureFactoryTestCase
