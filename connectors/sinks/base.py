"""The interface of a reply sink.

``send(reply)`` returns once the reply is durably with the hub (acknowledged by all in-sync
replicas, or answered 2xx by the API). Sending the same reply again is harmless: the hub
applies each idempotency key once. Raises :class:`~connectors.errors.Retryable` while the
hub or broker is unreachable and :class:`~connectors.errors.ReplyRefused` when the hub
refused the reply for good.
"""

from __future__ import annotations

from typing import Protocol

from connectors.records import Reply


class ReplySink(Protocol):
    def send(self, reply: Reply) -> None: ...

    def close(self) -> None: ...
