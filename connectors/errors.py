"""The connector's failures, by what the runtime does about them.

* :class:`Retryable` — something outside is down (the hub, the broker, the agency's system):
  the runtime retries the same record with backoff for as long as it runs, and never moves
  the position past it.
* :class:`ReplyRefused` — the hub answered that a reply cannot be applied (a 4xx over HTTP):
  retrying would give the same answer, so the record goes to the dead letters with the reason.
* :class:`ConfigurationError` — a setting is missing or wrong, or the hub refused the
  credentials: the connector stops with the message.

Any other exception raised by an agency's ``handle`` counts as a failed attempt; a record that
fails ``max_attempts`` times is a poison record and goes to the dead letters.
"""

from __future__ import annotations


class Retryable(Exception):
    """A failure worth retrying later: the same record is tried again, nothing is skipped."""


class SourceReset(Retryable):
    """The source lost its place (a Kafka rebalance): records not committed will come again.

    The runner drops the records it holds and polls again.
    """


class ReplyRefused(Exception):
    """The hub refused a reply for good (``status`` 4xx, ``problem`` its problem type)."""

    def __init__(self, status: int, problem: str, detail: str) -> None:
        super().__init__(f"{status} {problem}: {detail}")
        self.status = status
        self.problem = problem
        self.detail = detail


class ConfigurationError(Exception):
    """A setting is missing or wrong, or the credentials were refused."""
