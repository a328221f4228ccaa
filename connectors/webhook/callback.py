"""The callback server: the agency's system answers here, the answers go to the reply sink.

``POST /referrals/{referral_id}/{action}`` with body ``{"on_behalf_of", "reason", "outcome"}``
(the hub API's shape; ``actor`` from systems written before is read as ``on_behalf_of``),
signed like the webhook (``X-Hub-Timestamp``, ``X-Hub-Signature`` over
``timestamp + "." + body`` with the same secret). An ``Idempotency-Key`` header is optional:
the reply's key derives from (agency, referral, action, that key), or from the body's hash
without one, so a retried POST is applied once. Answers:

* ``202 {"idempotency_key": …}`` — the reply is durably with the hub (or the broker);
* ``401`` — signature missing, wrong or too old; ``400`` — not a valid answer;
* ``422`` — the hub refused the reply (its problem type and detail);
* ``503`` — the hub or broker is away: retry later with the same request.

Standard library only (``http.server``); it serves on its own thread.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

from connectors.errors import ReplyRefused, Retryable
from connectors.records import Outcome, Reply, idempotency_key, note_of
from connectors.sinks import ReplySink
from connectors.webhook.signing import InvalidSignature, verify_headers

log = logging.getLogger(__name__)

PATH = re.compile(r"/referrals/([0-9a-fA-F-]{36})/([a-z]+)")
MAX_BODY = 1 << 20


def reply_from_callback(
    agency_id: str, referral_id: str, action: str, body: bytes, key: str | None
) -> Reply:
    """The reply a callback request stands for; raises ``ValueError`` if it is not valid."""
    try:
        answer: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ValueError("the body is not JSON") from None
    if not isinstance(answer, dict):
        raise ValueError("the body must be a JSON object")
    raw = answer.get("on_behalf_of", answer.get("actor"))
    if raw is not None and not isinstance(raw, str):
        raise ValueError('"on_behalf_of" is text')
    note = note_of(answer)
    token = "cb:" + (key or hashlib.sha256(body).hexdigest()[:32])
    outcome = answer.get("outcome")
    try:
        return Reply(
            idempotency_key(agency_id, referral_id, action, token),
            agency_id,
            referral_id,
            action,
            note,
            answer.get("reason"),
            Outcome.from_dict(outcome) if outcome else None,
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"the outcome is not valid: {error!r}") from None


class CallbackServer:
    """Serves the callback on ``host:port`` (port 0 picks a free one) until :meth:`stop`."""

    def __init__(
        self,
        agency_id: str,
        secret: str,
        sink: ReplySink,
        host: str = "127.0.0.1",
        port: int = 0,
        max_age: int = 300,
    ) -> None:
        lock = threading.Lock()
        attributes = {
            "agency_id": agency_id,
            "secret": secret,
            "sink": sink,
            "lock": lock,
            "max_age": max_age,
        }
        handler = type("CallbackHandler", (_Handler,), attributes)
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        self._thread: threading.Thread | None = None

    def start(self) -> CallbackServer:
        self._thread = threading.Thread(
            target=self.server.serve_forever, args=(0.1,), name="hub-connector-callback"
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(10)
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    agency_id: str
    secret: str
    sink: ReplySink
    lock: threading.Lock
    max_age: int

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("callback %s", format % args)

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = orjson.dumps(body)
        self.send_response(status)
        kind = "application/json" if status < 400 else "application/problem+json"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _problem(self, status: int, problem: str, detail: str) -> None:
        self._answer(status, {"type": f"/problems/{problem}", "status": status, "detail": detail})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._problem(413, "too-large", "the body is larger than 1 MiB")
        body = self.rfile.read(length)
        try:
            verify_headers(self.secret, body, self.headers, self.max_age)  # type: ignore[arg-type]
        except InvalidSignature as error:
            return self._problem(401, "unauthorized", str(error))
        match = PATH.fullmatch(self.path)
        if not match:
            return self._problem(404, "not-found", "POST /referrals/{referral_id}/{action}")
        referral_id, action = match.groups()
        key = self.headers.get("Idempotency-Key")
        try:
            reply = reply_from_callback(self.agency_id, referral_id.lower(), action, body, key)
        except ValueError as error:
            return self._problem(400, "invalid-answer", str(error))
        try:
            with self.lock:
                self.sink.send(reply)
        except Retryable:
            return self._problem(503, "unavailable", "the hub is not reachable; retry later")
        except ReplyRefused as refused:
            return self._problem(422, refused.problem, refused.detail)
        self._answer(202, {"idempotency_key": reply.idempotency_key})
