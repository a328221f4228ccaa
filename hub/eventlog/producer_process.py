"""The log's transactional producer, in a process of its own: the child's side.

kafka-python is pure Python. Its sender thread encodes, sends and decodes every request of a
transaction (the partition's registration, the records, the commit), and in the API's process
each of those steps waits for the interpreter's lock held by the busy event loop, and then
holds it against the loop. So the writer's producer lives in a child process, and the writer
(:class:`hub.eventlog.transactions.LogProducer`) hands it each group over a pipe: a ``send``
message with the records, an ``end`` message asking for the commit, one answer with the
records' offsets or the error kafka-python raised.

The child is the log's one producer with the writer's ``transactional.id``; it makes no
decision of its own. It exits when the pipe closes (the writer discarded it, or the writer's
process died), dropping whatever it had not committed, as a crashed writer would; the next
producer with that ``transactional.id`` fences it.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import signal
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from hub.eventlog import kafka_internals
from hub.eventlog.config import PARTITION, LogConfig
from hub.eventlog.errors import CommitUnconfirmed
from hub.eventlog.records import KeyedRecord


def serve(conn: Connection, config: LogConfig, log_level: int | None) -> None:
    """The child's whole life: open the producer, then answer the writer until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's process to handle
    if log_level is not None:
        from hub import logs

        logs.configure(logging.getLevelName(log_level))
    try:
        producer = open_producer(config)
    except BaseException as error:
        answer(conn, "failed", error)
        conn.close()
        return
    answer(conn, "ready", None)
    try:
        follow(conn, producer, config)
    finally:
        discard(producer)
        conn.close()


def follow(conn: Connection, producer: KafkaProducer, config: LogConfig) -> None:
    """Answers ``send``/``end`` pairs in order until the pipe closes or ``close`` comes."""
    futures: list[Any] = []
    refused: BaseException | None = None
    while True:
        try:
            kind, records = conn.recv()
        except (EOFError, OSError):
            return
        if kind == "send":
            try:
                futures, refused = send(producer, config, records), None
            except Exception as error:
                futures, refused = [], error
        elif kind == "end":
            try:
                if refused is not None:
                    raise refused
                offsets = end(producer, config, futures)
            except Exception as error:
                answer(conn, "failed", error)
            else:
                answer(conn, "committed", offsets)
            futures, refused = [], None
        else:
            return


def answer(conn: Connection, kind: str, value: Any) -> None:
    """Sends an answer; an error that cannot be pickled goes as a ``KafkaError`` naming it."""
    try:
        message = pickle.dumps((kind, value))
    except Exception:
        message = pickle.dumps((kind, KafkaError(f"{type(value).__name__}: {value}")))
    with contextlib.suppress(OSError):  # the writer is gone: nobody to answer
        conn.send_bytes(message)


def open_producer(config: LogConfig) -> KafkaProducer:
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


def send(producer: KafkaProducer, config: LogConfig, records: Sequence[KeyedRecord]) -> list[Any]:
    """Begins a transaction and hands the records to the producer; their futures."""
    producer.begin_transaction()
    return [
        producer.send(config.topic, value=value, key=key, partition=PARTITION)
        for key, value in records
    ]


def end(producer: KafkaProducer, config: LogConfig, futures: Sequence[Any]) -> list[int]:
    """Commits the open transaction, waiting at most the log's timeout; the records' offsets.

    The commit is asked for without waiting for the records to be sent: kafka-python's sender
    sends the transaction's end only once every record of it is in (a record the broker
    refused makes the commit fail), so one wait covers the transaction.
    """
    result = kafka_internals.begin_commit(producer)
    if not result.wait(timeout_ms=int(config.timeout * 1000)):
        raise CommitUnconfirmed("the broker did not confirm the commit in time")
    if result.failed and result.exception is not None:
        raise result.exception
    offsets = []
    for future in futures:
        if not future.is_done:  # the commit cannot precede its records: never expected
            raise CommitUnconfirmed("a record of the committed transaction has no answer")
        if future.failed():
            raise future.exception
        offsets.append(future.value.offset)
    return offsets


def discard(producer: KafkaProducer) -> None:
    """Closes a producer at once, dropping whatever it had not sent."""
    try:
        producer.close(timeout=0.2)
    except Exception:
        kafka_internals.force_close(producer)
