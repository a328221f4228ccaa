"""One Kafka transaction of the writer, with every wait bounded, and what its errors mean.

kafka-python waits without limit in places (``commit_transaction`` keeps retrying while the
broker is away, and some brokers drop the connection instead of answering a fenced
producer), so the writer never calls those blocking methods: it waits on the results itself
with the log's timeout. A producer that failed is discarded, never reused (a new producer
with the same ``transactional.id`` is made instead; no epoch bump of the old one is needed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kafka import KafkaProducer
from kafka.errors import (
    InvalidProducerEpochError,
    KafkaError,
    KafkaTimeoutError,
    ProducerFencedError,
    TransactionCoordinatorFencedError,
)

from hub.eventlog import kafka_internals
from hub.eventlog.config import PARTITION, LogConfig

FENCING_ERRORS = (ProducerFencedError, InvalidProducerEpochError, TransactionCoordinatorFencedError)


class CommitUnconfirmed(TimeoutError):
    """The broker did not answer the commit in time: the outcome is known only by reading."""


def is_fencing(error: BaseException) -> bool:
    """True if the error says another producer with our ``transactional.id`` took over."""
    if isinstance(error, FENCING_ERRORS):
        return True
    return isinstance(error, KafkaError) and "Fenced" in str(error)


def new_producer(config: LogConfig) -> KafkaProducer:
    """A transactional producer for the log, initialised (fencing any earlier one)."""
    kafka_internals.require_supported()
    ms = int(config.timeout * 1000)
    producer = KafkaProducer(
        **config.client_options(),
        transactional_id=config.transactional_id,
        acks="all",
        max_block_ms=ms,
        linger_ms=0,
        batch_size=512 * 1024,
        max_request_size=8 * 1024 * 1024,
        allow_auto_create_topics=False,
        transaction_timeout_ms=60_000,
        metrics_enabled=False,  # nothing reads the client's own sensors: they cost CPU per request
    )
    try:
        producer.init_transactions()
    except BaseException:
        discard(producer)
        raise
    return producer


def discard(producer: KafkaProducer | None) -> None:
    """Closes a producer at once, dropping whatever it had not sent."""
    if producer is None:
        return
    try:
        producer.close(timeout=0.2)
    except Exception:
        kafka_internals.force_close(producer)


def commit(
    producer: KafkaProducer,
    config: LogConfig,
    records: Sequence[tuple[bytes | None, bytes]],
) -> list[int]:
    """Sends ``(key, value)`` records in one transaction and commits it; returns their offsets.

    The commit is asked for as soon as the records are handed to the producer, without
    waiting for them to be sent: kafka-python's sender sends the transaction's end only once
    every record of it is in (a record the broker refused makes the commit fail). So one
    wait covers the transaction, and the sender goes from the records to the commit without
    waking this thread in between (it needs the interpreter's lock for every step, and the
    API's event loop holds it most of the time).
    """
    futures = send(producer, config, records)
    end(producer, config)
    offsets = []
    for future in futures:
        if not future.is_done:  # the commit cannot precede its records: never expected
            raise CommitUnconfirmed("a record of the committed transaction has no answer")
        if future.failed():
            raise future.exception
        offsets.append(future.value.offset)
    return offsets


def send(
    producer: KafkaProducer,
    config: LogConfig,
    records: Sequence[tuple[bytes | None, bytes]],
) -> list[Any]:
    """Begins a transaction and hands the records to the producer; their futures."""
    producer.begin_transaction()
    return [
        producer.send(config.topic, value=value, key=key, partition=PARTITION)
        for key, value in records
    ]


def end(producer: KafkaProducer, config: LogConfig) -> None:
    """Commits the open transaction, waiting at most the log's timeout for the answer."""
    result = kafka_internals.begin_commit(producer)
    if not result.wait(timeout_ms=int(config.timeout * 1000)):
        raise CommitUnconfirmed("the broker did not confirm the commit in time")
    if result.failed and result.exception is not None:
        raise result.exception


__all__ = [
    "CommitUnconfirmed",
    "KafkaTimeoutError",
    "commit",
    "discard",
    "end",
    "is_fencing",
    "new_producer",
    "send",
]
