"""Errors of the event log that callers must tell apart from domain errors."""

from __future__ import annotations


class LogUnavailable(Exception):
    """The log cannot take appends now (broker unreachable); nothing was appended."""

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WriterFenced(LogUnavailable):
    """Another writer took over this log; this one refuses every further append."""
