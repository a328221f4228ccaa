"""A tiny real HTTP server with the hub's side of the connector contract, for the tests.

Implements ``GET /agencies/{id}/feed?after=&wait=`` (long-polling), ``POST
/referrals/{id}/{action}`` (bearer token, ``Idempotency-Key``: a repeated key gets the first
answer and is applied once), and ``GET /referrals/{id}`` / ``GET /persons/{id}`` (what the
batch export reads). Failures can be injected: ``fail_posts`` answers that many POSTs 503,
``refuse`` maps a referral id to a 4xx problem.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import orjson


@dataclass
class HubState:
    token: str
    records: list[dict[str, Any]] = field(default_factory=list)
    head: int = 0  # the hub log's last position (records of other agencies move it too)
    applied: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> answer
    posts: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> body
    fail_posts: int = 0
    refuse: dict[str, tuple[int, str]] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, *records: dict[str, Any], head: int | None = None) -> None:
        with self.changed:
            self.records += records
            self.head = max([self.head, head or 0, *(r["position"] for r in records)])
            self.changed.notify_all()

    def page(self, after: int, wait: float, limit: int = 2) -> dict[str, Any]:
        deadline = time.monotonic() + wait
        with self.changed:
            while self.head <= after and time.monotonic() < deadline:
                self.changed.wait(deadline - time.monotonic())
            records = [r for r in self.records if r["position"] > after][:limit]
            last = records[-1]["position"] if len(records) == limit else self.head
            return {"records": records, "next": max(after, last)}


class _Handler(BaseHTTPRequestHandler):
    state: HubState

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any) -> None:
        data = orjson.dumps(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") == f"Bearer {self.state.token}":
            return True
        self._send(401, {"type": "/problems/unauthorized", "detail": "bad token"})
        return False

    def do_GET(self) -> None:
        if not self._authorised():
            return
        url = urlparse(self.path)
        if re.fullmatch(r"/agencies/[^/]+/feed", url.path):
            query = parse_qs(url.query)
            after = int(query.get("after", ["0"])[0])
            wait = float(query.get("wait", ["0"])[0])
            self._send(200, self.state.page(after, wait))
        elif url.path in self.state.details:
            self._send(200, self.state.details[url.path])
        else:
            self._send(404, {"type": "/problems/not-found", "detail": "not found"})

    def do_POST(self) -> None:
        body = orjson.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        if not self._authorised():
            return
        match = re.fullmatch(r"/referrals/([^/]+)/([a-z]+)", self.path)
        assert match, self.path
        referral_id, action = match.groups()
        key = self.headers.get("Idempotency-Key")
        self.state.posts.append({"referral_id": referral_id, "action": action, "key": key, **body})
        if self.state.fail_posts > 0:
            self.state.fail_posts -= 1
            self._send(503, {"type": "/problems/unavailable", "detail": "try later"})
            return
        if referral_id in self.state.refuse:
            status, problem = self.state.refuse[referral_id]
            self._send(status, {"type": f"/problems/{problem}", "detail": "refused"})
            return
        answer = {"referral_id": referral_id, "action": action, **body}
        self.state.applied.setdefault(str(key), answer)
        self._send(200, {"id": referral_id, "status": action})


class FakeHub:
    """Serves a :class:`HubState` on a free loopback port while started."""

    def __init__(self, token: str = "agency-token") -> None:
        self.state = HubState(token)
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> FakeHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
