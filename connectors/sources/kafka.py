"""The agency's Kafka topic as a feed source.

Reads ``{prefix}.agency.<agency_id>`` with ``read_committed`` in the consumer group
``{prefix}.connector.<agency_id>`` (one group per agency: several connector processes of one
agency share the partitions). Auto-commit is off: an offset is committed only when the
runtime says a record was handled, and only up to that record, so a record that failed is
never skipped (the rule of faust's ``_new_offset``).
"""

from __future__ import annotations

import logging
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from connectors.errors import Retryable, SourceReset
from connectors.kafka_config import client_config
from connectors.records import FeedRecord
from connectors.settings import ConnectorSettings

log = logging.getLogger(__name__)


class KafkaFeedSource:
    def __init__(self, settings: ConnectorSettings, **consumer_options: Any) -> None:
        self.topic = settings.agency_topic
        options = client_config(settings) | {
            "group_id": f"{settings.topic_prefix}.connector.{settings.agency_id}",
            "enable_auto_commit": False,
            "isolation_level": "read_committed",
            "auto_offset_reset": "earliest",
            "session_timeout_ms": settings.kafka_session_timeout_ms,
            "heartbeat_interval_ms": max(100, settings.kafka_session_timeout_ms // 4),
            "max_poll_interval_ms": settings.kafka_max_poll_interval_ms,
            "max_poll_records": 100,
            # a new record waits in the broker at most this long for a fetch to return
            # (default 500 ms): the referral reaches the agency sooner
            "fetch_max_wait_ms": 100,
        }
        self._consumer = KafkaConsumer(**(options | consumer_options))
        self._consumer.subscribe([self.topic])

    def poll(self, timeout: float) -> list[FeedRecord]:
        try:
            batches = self._consumer.poll(timeout_ms=int(timeout * 1000))
        except KafkaError as error:
            raise Retryable(f"polling {self.topic}: {error!r}") from error
        records: list[FeedRecord] = []
        for messages in batches.values():
            for m in messages:
                ref = (TopicPartition(m.topic, m.partition), m.offset)
                records.append(FeedRecord.from_json(m.value, ref))
        return records

    def commit(self, record: FeedRecord) -> None:
        partition, offset = record.ref
        try:
            self._consumer.commit({partition: OffsetAndMetadata(offset + 1, "", -1)})
        except CommitFailedError as error:
            log.warning("commit refused after a rebalance; uncommitted records will come again")
            self._consumer.unsubscribe()
            self._consumer.subscribe([self.topic])
            raise SourceReset(str(error)) from error
        except KafkaError as error:
            raise Retryable(f"committing {self.topic}: {error!r}") from error

    def keep_alive(self) -> None:
        """Polls with every partition paused, so a long retry does not cost the assignment.

        Without it a consumer that does not poll for ``max_poll_interval_ms`` leaves the group
        and its records go to another member (they would come again, not be lost). Should a
        rebalance hand this poll new records, the consumer is put back before them.
        """
        assigned = self._consumer.assignment()
        self._consumer.pause(*assigned)
        try:
            fetched = self._consumer.poll(timeout_ms=0)
        except KafkaError:
            return
        finally:
            self._consumer.resume(*assigned)
        for partition, messages in fetched.items():
            self._consumer.seek(partition, messages[0].offset)

    def caught_up(self) -> bool:
        assigned = self._consumer.assignment()
        if not assigned:  # joining the group; or the topic does not exist yet
            return not self._consumer.partitions_for_topic(self.topic)
        try:
            ends = self._consumer.end_offsets(list(assigned))
            return all(self._consumer.position(tp) >= ends[tp] for tp in assigned)
        except KafkaError:
            return False

    def close(self) -> None:
        self._consumer.close(autocommit=False)
