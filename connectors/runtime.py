"""The Python SDK: subclass :class:`Connector`, run it with a :class:`Runner`.

::

    class MyAgency(Connector):
        def handle(self, record: FeedRecord) -> Iterable[Reply]:
            if record.incoming:
                yield record.reply("receive", on_behalf_of="intake-system")

The runner takes records from a :class:`~connectors.sources.FeedSource` in order and, for
each one: calls ``handle``, sends every reply to the :class:`~connectors.sinks.ReplySink`,
and only then commits the record's position. So a crash at any point means the record comes
again, ``handle`` runs again and yields the same replies with the same idempotency keys
(derived from the record), which the hub applies once.

What goes wrong, and what the runner does:

* :class:`~connectors.errors.Retryable` (hub, broker or the agency's system away): wait with
  backoff and try the same record again, for as long as the runner runs;
* any other exception from ``handle``: a failed attempt; after ``max_attempts`` the record is
  poison and goes to the dead letters, then its position is committed;
* :class:`~connectors.errors.ReplyRefused`: the hub will never take that reply: dead letters;
* :class:`~connectors.errors.ConfigurationError`: stop the runner (raised to the caller).

Logs name records by ``event_id`` and errors by class: never personal data.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable

from connectors.backoff import Backoff
from connectors.deadletters import DeadLetters
from connectors.errors import ConfigurationError, ReplyRefused, Retryable, SourceReset
from connectors.records import FeedRecord, Reply
from connectors.sinks import ReplySink
from connectors.sources import FeedSource

log = logging.getLogger(__name__)

KEEP_ALIVE_SECONDS = 0.5


class Connector:
    """An agency's handling of its feed: override :meth:`handle`."""

    def handle(self, record: FeedRecord) -> Iterable[Reply]:
        """The agency's replies to ``record`` (return a list or ``yield`` them).

        Must be deterministic for one record: it runs again when the record is redelivered.
        Build replies with ``record.reply(action, on_behalf_of, reason, outcome)`` so their keys
        derive from the record. Raise :class:`~connectors.errors.Retryable` when the
        agency's own system is away, to be retried without counting as a failure.
        """
        raise NotImplementedError


class Stopped(Exception):
    """The runner was asked to stop while a record was in hand (it stays uncommitted)."""


class Runner:
    def __init__(
        self,
        connector: Connector,
        source: FeedSource,
        sink: ReplySink,
        dead_letters: DeadLetters,
        *,
        max_attempts: int = 5,
        backoff: Backoff | None = None,
        stop: threading.Event | None = None,
        poll_timeout: float = 1.0,
    ) -> None:
        self.connector = connector
        self.source = source
        self.sink = sink
        self.dead_letters = dead_letters
        self.max_attempts = max_attempts
        self.backoff = backoff or Backoff()
        self.stop = stop or threading.Event()
        self.poll_timeout = poll_timeout
        self.stats: Counter[str] = Counter()

    def run(self) -> None:
        """Handles records until :attr:`stop` is set."""
        while not self.stop.is_set():
            self.run_once()

    def drain(self, give_up_after: int = 5) -> int:
        """Handles records until the source has none left; returns how many were handled.

        Raises :class:`~connectors.errors.Retryable` when the feed failed ``give_up_after``
        polls in a row (a one-shot run, such as the batch export, then stops with an error).
        """
        total = 0
        while not self.stop.is_set():
            handled = self.run_once(min(self.poll_timeout, 1.0))
            total += handled
            if self.stats["poll-failed"] >= give_up_after:
                raise Retryable(f"the feed failed {give_up_after} polls in a row")
            if handled == 0 and self.stats["poll-failed"] == 0 and self.source.caught_up():
                break
        return total

    def run_once(self, timeout: float | None = None) -> int:
        """One poll and the handling of what it brought; the number of records handled."""
        try:
            records = self.source.poll(self.poll_timeout if timeout is None else timeout)
        except Retryable as error:
            log.warning("feed unavailable: %s", type(error).__name__)
            self.stats["poll-failed"] += 1
            self.backoff.wait(self.stats["poll-failed"] - 1, self.stop)
            return 0
        self.stats["poll-failed"] = 0
        for handled, record in enumerate(records):
            try:
                self.process(record)
            except SourceReset:
                self.stats["reset"] += 1
                return handled
            except Stopped:
                return handled
        return len(records)

    def process(self, record: FeedRecord) -> None:
        """Handles one record to the end (replies sent or dead-lettered), then commits it."""
        if record.broken:
            self._dead(record, "invalid-record", str(record.data.get("error")), 1)
        else:
            self._handle(record)
        self._retrying(lambda: self.source.commit(record))
        self.stats["committed"] += 1

    def _handle(self, record: FeedRecord) -> None:
        failures = retries = 0
        while True:
            if self.stop.is_set():
                raise Stopped
            try:
                replies = list(self.connector.handle(record))
                if len({r.idempotency_key for r in replies}) != len(replies):
                    raise ValueError("one record gave two replies with the same idempotency key")
                for reply in replies:
                    self.sink.send(reply)
                self.stats["replies"] += len(replies)
                return
            except (ConfigurationError, Stopped):
                raise
            except ReplyRefused as refused:
                self._dead(record, "reply-refused", str(refused), failures + 1)
                return
            except Retryable as error:
                log.warning("retrying %s: %s", record.event_id, type(error).__name__)
                self.stats["retries"] += 1
                self._wait(retries)
                retries += 1
            except Exception as error:
                failures += 1
                log.warning(
                    "handling %s failed (%d of %d): %s",
                    record.event_id,
                    failures,
                    self.max_attempts,
                    type(error).__name__,
                )
                if failures >= self.max_attempts:
                    self._dead(record, "handler-failed", repr(error), failures)
                    return
                self._wait(failures - 1)

    def _dead(self, record: FeedRecord, error: str, detail: str, attempts: int) -> None:
        log.error("dead-lettering %s: %s", record.event_id or "an invalid record", error)
        self._retrying(lambda: self.dead_letters.put(record, error, detail, attempts))
        self.stats["dead"] += 1

    def _retrying(self, action: Callable[[], None]) -> None:
        attempt = 0
        while True:
            try:
                action()
                return
            except SourceReset:
                raise
            except Retryable as error:
                log.warning("retrying after %s", type(error).__name__)
                self._wait(attempt)
                attempt += 1
                if self.stop.is_set():
                    raise Stopped from error

    def _wait(self, attempt: int) -> None:
        """Waits before retry ``attempt``, keeping the source alive meanwhile."""
        deadline = time.monotonic() + self.backoff.delay(attempt)
        while (left := deadline - time.monotonic()) > 0:
            if self.stop.wait(min(left, KEEP_ALIVE_SECONDS)):
                raise Stopped
            self.source.keep_alive()
