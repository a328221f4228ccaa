"""The webhook connector: POSTs each feed record to the agency's URL, signed, until it lands.

Each record is sent as its JSON with the signature headers of
:mod:`~connectors.webhook.signing` and ``X-Hub-Event-Id`` / ``X-Hub-Event-Type`` (a receiver
may see a record twice after a crash; the event id tells it so). A connection error, a
timeout, a 5xx, 408 or 429 raises :class:`~connectors.errors.Retryable`: the runner waits
with exponential backoff and jitter and sends the same record again, for as long as the
target is down, and commits the position only after a 2xx. Another 4xx counts as a failed
attempt (after ``max_attempts`` the record goes to the dead letters, where it is kept).

The target may answer synchronously: a 2xx body ``{"replies": [{"action",
"on_behalf_of", "reason", "outcome"}]}`` (``actor`` from systems written before is read as
``on_behalf_of``) becomes replies to the record (keyed by the record's position);
otherwise it answers later through the callback server or the hub's API.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from connectors.errors import Retryable
from connectors.records import FeedRecord, Outcome, Reply, note_of
from connectors.runtime import Connector
from connectors.webhook.signing import signed_headers

RETRY_STATUSES = frozenset({408, 425, 429})


class WebhookRefused(Exception):
    """The target answered 4xx: counted as a failed attempt of this record."""


class WebhookConnector(Connector):
    def __init__(self, url: str, secret: str, timeout: float = 10.0) -> None:
        self.url = url
        self.secret = secret
        self._http = httpx.Client(timeout=timeout)

    def handle(self, record: FeedRecord) -> list[Reply]:
        body = orjson.dumps(record.to_dict())
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Event-Id": record.event_id,
            "X-Hub-Event-Type": record.type,
            **signed_headers(self.secret, body),
        }
        try:
            response = self._http.post(self.url, content=body, headers=headers)
        except httpx.TransportError as error:
            raise Retryable(f"webhook target unreachable: {type(error).__name__}") from error
        status = response.status_code
        if status >= 500 or status in RETRY_STATUSES:
            raise Retryable(f"webhook target answered {status}")
        if status >= 300:
            raise WebhookRefused(f"webhook target answered {status}")
        return _answers(record, response)

    def close(self) -> None:
        self._http.close()


def _answers(record: FeedRecord, response: httpx.Response) -> list[Reply]:
    try:
        body: Any = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        return []
    if not isinstance(body, dict):
        return []
    replies = []
    for answer in body.get("replies") or []:
        outcome = answer.get("outcome")
        replies.append(
            record.reply(
                answer["action"],
                note_of(answer),
                answer.get("reason"),
                Outcome.from_dict(outcome) if outcome else None,
            )
        )
    return replies
