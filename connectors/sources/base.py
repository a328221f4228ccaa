"""The interface of a feed source.

A source hands out records in the agency's order and remembers nothing as handled until
:meth:`FeedSource.commit` is called for a record; after a crash or restart every record not
committed comes again. ``commit(record)`` means: this record and every record handed out
before it are handled.
"""

from __future__ import annotations

from typing import Protocol

from connectors.records import FeedRecord


class FeedSource(Protocol):
    def poll(self, timeout: float) -> list[FeedRecord]:
        """The next records (possibly none within ``timeout`` seconds), oldest first.

        Raises :class:`~connectors.errors.Retryable` while the hub or broker is unreachable.
        """
        ...

    def commit(self, record: FeedRecord) -> None:
        """Marks ``record`` and everything handed out before it as handled, durably."""
        ...

    def keep_alive(self) -> None:
        """Called every second or so while the runner waits to retry a record."""
        ...

    def caught_up(self) -> bool:
        """Whether the last poll reached the end of what the feed holds now."""
        ...

    def close(self) -> None: ...
