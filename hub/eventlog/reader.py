"""Reads the log's committed transactions, deciding commit or abort from the markers itself.

A ``read_committed`` consumer relies on the broker's index of aborted transactions, which
not every Kafka-protocol broker fills in (Tansu does not: records of aborted transactions
reach its ``read_committed`` consumers). This reader fetches ``read_uncommitted``, keeps the
records of each producer's open transaction aside, and hands them on only when that
producer's COMMIT marker arrives (an ABORT marker drops them). The control batches are seen
through kafka-python's private fetcher (see ``hub.eventlog.kafka_internals``).

``position`` is always a safe place to resume: the first offset not yet decided.
"""

from __future__ import annotations

from collections.abc import Iterator

from kafka import KafkaConsumer, TopicPartition

from hub.eventlog import kafka_internals
from hub.eventlog.config import PARTITION, LogConfig
from hub.eventlog.kafka_internals import RawRecord

Committed = list[tuple[int, bytes]]


class LogReader:
    """Follows the log's single partition from an offset, yielding committed record groups."""

    def __init__(self, config: LogConfig, start: int, *, max_fetch_bytes: int = 8 << 20) -> None:
        self.config = config
        self.partition = TopicPartition(config.topic, PARTITION)
        self._pending: dict[int, list[RawRecord]] = {}
        self._next = start
        kafka_internals.require_supported()
        self._consumer = KafkaConsumer(
            **config.client_options(),
            group_id=None,
            enable_auto_commit=False,
            isolation_level="read_uncommitted",
            allow_auto_create_topics=False,
            auto_offset_reset="none",  # never jump: an offset out of range is an error
            fetch_max_wait_ms=100,
            max_partition_fetch_bytes=max_fetch_bytes,
            fetch_max_bytes=max_fetch_bytes * 2,
            max_poll_records=100_000,
            metrics_enabled=False,
        )
        kafka_internals.fetch_raw_records(self._consumer)
        self._consumer.assign([self.partition])
        self._consumer.seek(self.partition, start)

    @property
    def position(self) -> int:
        """The first offset whose fate is not yet known to this reader."""
        firsts = [records[0].offset for records in self._pending.values() if records]
        return min([self._next, *firsts])

    @property
    def fetched(self) -> int:
        """The offset after the last record fetched (decided or not)."""
        return self._next

    def end_offset(self) -> int:
        """The partition's end (high watermark); raises ``KafkaTimeoutError`` when unreachable."""
        ends = self._consumer.end_offsets([self.partition])
        return int(ends[self.partition])

    def poll(self, timeout: float) -> list[Committed]:
        """Committed groups decided by the records fetched within ``timeout`` seconds."""
        fetched = self._consumer.poll(timeout_ms=int(timeout * 1000))
        groups: list[Committed] = []
        for raw in fetched.get(self.partition, []):
            groups.extend(self._take(raw))
        return groups

    def _take(self, raw: RawRecord) -> Iterator[Committed]:
        self._next = raw.offset + 1
        if raw.control:
            records = self._pending.pop(raw.producer_id, [])
            if records and not raw.abort:
                yield [(r.offset, r.value or b"") for r in records]
        elif raw.transactional:
            self._pending.setdefault(raw.producer_id, []).append(raw)
        else:
            yield [(raw.offset, raw.value or b"")]

    def close(self) -> None:
        self._consumer.close(autocommit=False)
