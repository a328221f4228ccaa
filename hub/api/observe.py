"""What the API tells its operators about each request: a request id, a log line, metrics.

An ASGI middleware, outermost: it takes the caller's ``X-Request-ID`` (letters, digits,
``.-_:``, at most 64) or makes one, echoes it on the answer, and puts it, with the agency and
token the gate authenticated, into every log line written while the request is answered.
When the answer is sent it counts the request by method, route template and status, times it,
counts a POST as a command of its route's kind, and writes one ``request`` log line. Paths
are never logged or used as labels: they hold the ids of persons and cases.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub import metrics
from hub.logs import request_context

log = logging.getLogger("hub.api.requests")

REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,64}")


#: a new request's id: this process's random half, then a count (32 hex digits, as a UUID's;
#: unique without a call for random bytes on every request)
_PROCESS = uuid.uuid4().hex[:16]
_COUNT = itertools.count(1)


def request_id(headers: Headers) -> str:
    given = headers.get("x-request-id", "")
    if given and REQUEST_ID.fullmatch(given):
        return given
    return f"{_PROCESS}{next(_COUNT) & 0xFFFFFFFFFFFFFFFF:016x}"


def route_of(scope: Scope) -> tuple[str, str | None]:
    """The route template and endpoint name the router matched, or ``unmatched``."""
    route: Any = scope.get("route")
    if route is None:
        return "unmatched", None
    return str(getattr(route, "path", "unmatched")), getattr(route, "name", None)


def command_outcome(status: int) -> str:
    if status < 400:
        return "ok"
    return "failed" if status >= 500 else "refused"


class Observe:
    """Request ids, log lines and metrics (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(Headers(scope=scope))
        context = {"request_id": rid}
        token = request_context.set(context)
        scope.setdefault("state", {})["log_context"] = context
        started = time.perf_counter()
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            self._record(scope, status, time.perf_counter() - started)
            request_context.reset(token)

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"]
        route, name = route_of(scope)
        counted, timed, command = _series(method, route, name, status)
        counted.inc()
        timed.observe(seconds)
        if command is not None:
            command.inc()
        if log.isEnabledFor(logging.INFO):
            fields = {
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
            }
            log.info("request", extra={"fields": fields})  # with the request's context


#: (method, route, endpoint, status) → its series: route templates and statuses are few
_SERIES: dict[tuple[str, str, str | None, int], tuple[Any, Any, Any]] = {}


def _series(method: str, route: str, name: str | None, status: int) -> tuple[Any, Any, Any]:
    """The request counter, latency histogram and (for a POST) command counter of a request,
    looked up once per combination instead of by labels on every request."""
    key = (method, route, name, status)
    found = _SERIES.get(key)
    if found is None:
        command = None
        if method == "POST" and name is not None:
            command = metrics.commands.labels(name, command_outcome(status))
        found = (
            metrics.requests.labels(method, route, str(status)),
            metrics.request_seconds.labels(method, route),
            command,
        )
        _SERIES[key] = found
    return found
