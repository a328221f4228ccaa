"""An agency's webhook receiver for the tests: a real HTTP server that checks signatures."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

from connectors.webhook.signing import InvalidSignature, verify_headers


class Target:
    """Receives records on ``port`` while started; keeps those whose signature verifies."""

    def __init__(self, port: int, secret: str, answer: dict[str, Any] | None = None) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}/hub-events"
        self.secret = secret
        self.answer = answer or {}
        self.received: list[dict[str, Any]] = []
        self.event_ids: list[str] = []
        self.bad_signatures = 0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> Target:
        target = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    verify_headers(target.secret, body, self.headers)  # type: ignore[arg-type]
                except InvalidSignature:
                    target.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                target.received.append(orjson.loads(body))
                target.event_ids.append(self.headers["X-Hub-Event-Id"])
                data = orjson.dumps(target.answer)
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
