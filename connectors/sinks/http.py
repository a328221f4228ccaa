"""Replies to the hub's API: ``POST /referrals/{referral_id}/{action}``.

The body is ``{"on_behalf_of", "reason", "outcome"}``, with the agency's token and the reply's
``Idempotency-Key``. Connection errors and 5xx are retried here a few times with backoff and
the same key (the hub answers a repeated key with its first answer); if the hub stays away
the :class:`~connectors.errors.Retryable` goes up to the runtime, which retries the record.
"""

from __future__ import annotations

import threading

import httpx

from connectors.backoff import Backoff
from connectors.errors import Retryable
from connectors.hubapi import HubClient
from connectors.records import Reply
from connectors.settings import ConnectorSettings

ATTEMPTS = 4


class HttpReplySink:
    def __init__(
        self,
        settings: ConnectorSettings,
        transport: httpx.BaseTransport | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self._hub = HubClient(settings, transport)
        self._backoff = Backoff(settings.backoff_base, settings.backoff_cap)
        self._stop = stop or threading.Event()

    def send(self, reply: Reply) -> None:
        path = f"/referrals/{reply.referral_id}/{reply.action}"
        headers = {"Idempotency-Key": reply.idempotency_key}
        for attempt in range(ATTEMPTS):
            try:
                self._hub.post(path, reply.body(), headers)
                return
            except Retryable:
                if attempt == ATTEMPTS - 1 or self._backoff.wait(attempt, self._stop):
                    raise

    def close(self) -> None:
        self._hub.close()
