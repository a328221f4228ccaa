"""The one place that reaches into kafka-python's private parts, for the version it was written for.

The log's writer and reader need three things kafka-python keeps private: starting a
transaction's commit without its unbounded wait (``producer._transaction_manager``,
``producer._sender``), closing a producer whose ``close`` failed (``producer._sender``,
``producer._closed``), and seeing the control batches (commit and abort markers) that the
consumer drops (``consumer._fetcher`` and ``Fetcher.PartitionRecords._unpack_records``).
Those parts change between releases without notice, so this module was written against
one version, :data:`WRITTEN_FOR` (the version pinned in ``pyproject.toml``), and
:func:`require_supported` refuses any other with a clear message before a client is built,
rather than letting the log misread its transactions.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any, NamedTuple, Protocol

import kafka
from kafka import KafkaConsumer, KafkaProducer
from kafka.consumer.fetcher import Fetcher

WRITTEN_FOR = "3.0.12"
"""The kafka-python version whose private attributes this module uses."""


class UnsupportedKafkaPython(RuntimeError):
    """The installed kafka-python is not the version this module was written for."""


def check_version(installed: str) -> None:
    """Raises :class:`UnsupportedKafkaPython` unless ``installed`` is :data:`WRITTEN_FOR`."""
    if installed != WRITTEN_FOR:
        raise UnsupportedKafkaPython(
            f"kafka-python {installed} is installed, but the Kafka log was written for "
            f"kafka-python {WRITTEN_FOR} and uses its private internals "
            f"(hub/eventlog/kafka_internals.py); install kafka-python=={WRITTEN_FOR}, "
            "or check those internals against the new version and update WRITTEN_FOR"
        )


@functools.cache
def require_supported() -> None:
    """Fails at once if the installed kafka-python is not the one this module was written for.

    Called before the log builds a producer or a consumer; the answer is kept.
    """
    check_version(kafka.__version__)
    missing = [
        name
        for name, present in (
            ("Fetcher.PartitionRecords", hasattr(Fetcher, "PartitionRecords")),
            (
                "Fetcher.PartitionRecords._unpack_records",
                hasattr(getattr(Fetcher, "PartitionRecords", None), "_unpack_records"),
            ),
        )
        if not present
    ]
    if missing:
        raise UnsupportedKafkaPython(
            f"kafka-python {kafka.__version__} lacks {', '.join(missing)}, "
            "which the Kafka log's reader needs"
        )


class CommitResult(Protocol):
    """What :func:`begin_commit` returns: kafka-python's ``TransactionalRequestResult``."""

    @property
    def failed(self) -> bool: ...

    @property
    def exception(self) -> BaseException | None: ...

    def wait(self, timeout_ms: int | None = None) -> bool: ...


def begin_commit(producer: KafkaProducer) -> CommitResult:
    """Starts committing the open transaction without waiting; the caller waits on the result.

    ``producer.commit_transaction`` would wait without limit while the broker is away.
    """
    result: CommitResult = producer._transaction_manager.begin_commit()
    producer._sender.wakeup()
    return result


def force_close(producer: KafkaProducer) -> None:
    """Stops a producer whose ``close`` failed, dropping whatever it had not sent."""
    sender = getattr(producer, "_sender", None)
    if sender is not None:
        sender.force_close()
    with contextlib.suppress(Exception):
        producer._closed = True


class RawRecord(NamedTuple):
    """A record as fetched, data or control (a transaction's COMMIT or ABORT marker)."""

    offset: int
    producer_id: int
    transactional: bool
    control: bool
    abort: bool
    value: bytes | None
    leader_epoch: int = -1


class _PartitionRecords(Fetcher.PartitionRecords):  # type: ignore[misc]
    """Yields data and control records alike, each with its batch's producer id."""

    def _unpack_records(self, tp: Any, records: Any, *_: Any) -> Iterator[RawRecord]:
        batch = records.next_batch()
        while batch is not None:
            if batch.magic == 2 and batch.is_control_batch:
                marker = next(batch)
                yield RawRecord(
                    batch.base_offset, batch.producer_id, True, True, marker.abort, None
                )
            else:
                transactional = batch.magic == 2 and batch.is_transactional
                pid = batch.producer_id if batch.magic == 2 else -1
                for record in batch:
                    yield RawRecord(record.offset, pid, transactional, False, False, record.value)
            self.next_fetch_offset = batch.next_offset
            batch = records.next_batch()
        self.drain()


def fetch_raw_records(consumer: KafkaConsumer) -> None:
    """Makes ``consumer.poll`` yield :class:`RawRecord` values, control records included."""
    consumer._fetcher.PartitionRecords = _PartitionRecords


__all__ = [
    "WRITTEN_FOR",
    "CommitResult",
    "RawRecord",
    "UnsupportedKafkaPython",
    "begin_commit",
    "check_version",
    "fetch_raw_records",
    "force_close",
    "require_supported",
]
