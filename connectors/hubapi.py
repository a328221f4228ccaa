"""The hub's HTTP API as the connector uses it: one client, one way of reading answers.

Every request carries the agency's bearer token. Answers are sorted into what the runtime
does about them: 2xx is returned; a connection error, a timeout, a 5xx, 408 or 429 raises
:class:`~connectors.errors.Retryable` (409 too: the key's first request is still running,
unless the hub says the key was reused for a different request: ``idempotency-key-reused``); 401 and 403 raise
:class:`~connectors.errors.ConfigurationError` (the token is wrong); any other 4xx raises
:class:`~connectors.errors.ReplyRefused` with the problem type (RFC 9457) of the answer.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from connectors.errors import ConfigurationError, ReplyRefused, Retryable
from connectors.settings import ConnectorSettings

RETRY_STATUSES = frozenset({408, 409, 425, 429})


class HubClient:
    def __init__(self, settings: ConnectorSettings, transport: httpx.BaseTransport | None = None):
        headers = {"Authorization": f"Bearer {settings.token}"} if settings.token else {}
        self._timeout = settings.http_timeout
        self._http = httpx.Client(
            base_url=settings.hub_url.rstrip("/"),
            headers=headers,
            timeout=settings.http_timeout,
            transport=transport,
        )

    def get(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        wait: float = 0,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """The JSON answer of ``GET path``; ``wait`` extends the timeout for long-polls."""
        timeout = self._timeout + wait
        response = self._send("GET", path, params=params, timeout=timeout, headers=headers)
        return orjson.loads(response.content)

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        response = self._send(
            "POST",
            path,
            content=orjson.dumps(body),
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        return orjson.loads(response.content) if response.content else None

    def _send(self, method: str, path: str, **options: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **options)
        except httpx.TransportError as error:
            raise Retryable(f"{method} {path}: {error!r}") from error
        status = response.status_code
        if status < 300:
            return response
        problem, detail = _problem(response)
        if status == 409 and problem == "idempotency-key-reused":
            raise ReplyRefused(status, problem, detail)  # the key's first request differed
        if status >= 500 or status in RETRY_STATUSES:
            raise Retryable(f"{method} {path}: {status} {problem}: {detail}")
        if status in (401, 403):
            raise ConfigurationError(f"{method} {path}: the hub refused the token ({status})")
        raise ReplyRefused(status, problem, detail)

    def close(self) -> None:
        self._http.close()


def _problem(response: httpx.Response) -> tuple[str, str]:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return f"http-{response.status_code}", response.text[:200]
    if not isinstance(body, dict):
        return f"http-{response.status_code}", str(body)[:200]
    problem = str(body.get("type") or f"http-{response.status_code}").rsplit("/", 1)[-1]
    return problem, str(body.get("detail") or body.get("title") or "")[:500]
