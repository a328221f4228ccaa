"""Reads every record of every topic on a Kafka broker, as raw bytes (keys, values, headers).

Partitions are assigned by hand (no consumer group), and read uncommitted, so records of
aborted transactions are searched too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

READ_TIMEOUT = 60.0


@dataclass(frozen=True)
class Record:
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]

    def raw(self) -> bytes:
        """Every byte of the record: key, value, header names and values."""
        headers = [k.encode() + b"=" + v for k, v in self.headers]
        return b"\x00".join([self.key, self.value, *headers])


def read_every_topic(bootstrap: str) -> dict[str, list[Record]]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    try:
        topics = sorted(admin.list_topics())
    finally:
        admin.close()
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        isolation_level="read_uncommitted",
        request_timeout_ms=20_000,
    )
    try:
        partitions = [
            TopicPartition(t, p)
            for t in topics
            for p in sorted(consumer.partitions_for_topic(t) or ())
        ]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        found: dict[str, list[Record]] = {t: [] for t in topics}
        deadline = time.monotonic() + READ_TIMEOUT
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError("could not read every topic to its end")
            for tp, records in consumer.poll(timeout_ms=500).items():
                for r in records:
                    headers = tuple((k, v or b"") for k, v in r.headers or [])
                    found[tp.topic].append(Record(r.key or b"", r.value or b"", headers))
        return found
    finally:
        consumer.close()
