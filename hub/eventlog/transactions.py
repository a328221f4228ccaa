"""One Kafka transaction of the writer, with every wait bounded, and what its errors mean.

The log's transactional producer runs in a process of its own
(:mod:`hub.eventlog.producer_process` says why); :class:`LogProducer` is the writer's end of
it. kafka-python waits without limit in places (``commit_transaction`` keeps retrying while
the broker is away, and some brokers drop the connection instead of answering a fenced
producer), so the producer's process never calls those blocking methods, and the writer
waits for each answer at most the log's timeout (and a margin for the pipe). A producer
that failed is discarded, never reused (a new one with the same ``transactional.id`` is
made instead; no epoch bump of the old one is needed).
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Sequence
from typing import Any

from kafka.errors import (
    InvalidProducerEpochError,
    KafkaError,
    KafkaTimeoutError,
    ProducerFencedError,
    TransactionCoordinatorFencedError,
)

from hub.eventlog import kafka_internals, producer_process
from hub.eventlog.config import LogConfig
from hub.eventlog.errors import CommitUnconfirmed, ProducerLost
from hub.eventlog.records import KeyedRecord

FENCING_ERRORS = (ProducerFencedError, InvalidProducerEpochError, TransactionCoordinatorFencedError)

#: seconds, beyond the log's timeout, that the writer waits for the producer's process: the
#: pipe, and at start the process itself (forked from a server that has kafka-python loaded)
MARGIN = 5.0

#: producers' processes are forked from one clean server process, never from the writer's
#: (which runs threads); the server imports the child's code once
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload([producer_process.__name__])


def is_fencing(error: BaseException) -> bool:
    """True if the error says another producer with our ``transactional.id`` took over."""
    if isinstance(error, FENCING_ERRORS):
        return True
    return isinstance(error, KafkaError) and "Fenced" in str(error)


class LogProducer:
    """The writer's end of the log's transactional producer, which runs in its own process.

    Made initialised: the process has called ``init_transactions`` (fencing any earlier
    producer of the log), or the constructor raises what it raised. Used by one thread at a
    time (the writer's).
    """

    def __init__(self, config: LogConfig) -> None:
        kafka_internals.require_supported()
        self.config = config
        self._conn, child = _CONTEXT.Pipe()
        root = logging.getLogger()
        level = root.level if root.handlers else None
        self._process = _CONTEXT.Process(
            target=producer_process.serve,
            args=(child, config, level),
            name="hub-log-producer",
            daemon=True,
        )
        try:
            self._process.start()
        finally:
            child.close()
        try:
            self._answer(config.timeout * 2 + MARGIN, "start")
        except BaseException:
            self.close()
            raise

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def send(self, records: Sequence[KeyedRecord]) -> None:
        """Begins a transaction with these records (an error comes with :meth:`end`)."""
        self._tell(("send", list(records)))

    def end(self) -> list[int]:
        """Commits the transaction begun by :meth:`send`; the records' offsets, in order."""
        self._tell(("end", None))
        offsets: list[int] = self._answer(self.config.timeout + MARGIN, "commit")
        return offsets

    def close(self) -> None:
        """Stops the process at once; whatever it had not committed is dropped."""
        self._conn.close()  # the process sees the pipe closed and closes its producer
        self._process.join(1.0)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(1.0)

    def _tell(self, message: tuple[str, Any]) -> None:
        try:
            self._conn.send(message)
        except OSError as error:
            raise ProducerLost(f"the log's producer process is gone ({error})") from None

    def _answer(self, timeout: float, what: str) -> Any:
        try:
            answered = self._conn.poll(timeout)
            if answered:
                kind, value = self._conn.recv()
        except (EOFError, OSError) as error:
            raise ProducerLost(f"the log's producer process exited ({error!r})") from None
        if not answered:
            raise CommitUnconfirmed(f"the log's producer did not answer the {what} in time")
        if kind == "failed":
            raise value
        return value


def new_producer(config: LogConfig) -> LogProducer:
    """A transactional producer for the log, initialised (fencing any earlier one)."""
    return LogProducer(config)


def discard(producer: LogProducer | None) -> None:
    """Stops a producer at once, dropping whatever it had not committed."""
    if producer is not None:
        producer.close()


def commit(producer: LogProducer, config: LogConfig, records: Sequence[KeyedRecord]) -> list[int]:
    """Sends ``(key, value)`` records in one transaction and commits it; returns their offsets.

    Both are asked for at once: the producer's sender sends the commit only once every
    record is in, and a record the broker refused makes the commit fail.
    """
    send(producer, config, records)
    return end(producer, config)


def send(producer: LogProducer, config: LogConfig, records: Sequence[KeyedRecord]) -> None:
    """Begins a transaction and hands the records to the producer."""
    producer.send(records)


def end(producer: LogProducer, config: LogConfig) -> list[int]:
    """Commits the open transaction, waiting at most the log's timeout (and the margin)."""
    return producer.end()


__all__ = [
    "CommitUnconfirmed",
    "KafkaTimeoutError",
    "LogProducer",
    "ProducerLost",
    "commit",
    "discard",
    "end",
    "is_fencing",
    "new_producer",
    "send",
]
