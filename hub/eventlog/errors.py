"""Errors of the event log that callers must tell apart from domain errors."""

from __future__ import annotations

from kafka.errors import KafkaError


class LogUnavailable(Exception):
    """The log cannot take appends now (broker unreachable); nothing was appended."""

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WriterFenced(LogUnavailable):
    """Another writer took over this log; this one refuses every further append."""


class CommitUnconfirmed(TimeoutError):
    """The broker did not answer the commit in time: the outcome is known only by reading."""


class ProducerLost(ConnectionError):
    """The log's producer process exited: the outcome of its last transaction is known only
    by reading."""


def describe_cause(error: BaseException) -> str:
    """The cause of a failure, for a log line that must not carry personal data.

    Broker, network and log errors are told with their message (it names the broker, the
    topic or the timeout, never a record's content); any other error only by its type and the
    place it was raised, since its message could quote the record being handled.
    """
    if isinstance(error, KafkaError | OSError | LogUnavailable):
        return f"{type(error).__name__}: {error}"
    place = ""
    tb = error.__traceback__
    if tb is not None:
        while tb.tb_next is not None:
            tb = tb.tb_next
        place = f" at {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
    return f"{type(error).__name__}{place}"
