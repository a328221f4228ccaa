"""Real receivers on loopback for the notifier's channels: an SMTP server (aiosmtpd) and a
webhook relay (the standard library's HTTP server) that checks the connectors' signature."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
from aiosmtpd.controller import Controller

from connectors.webhook.signing import InvalidSignature, verify_headers

WEBHOOK_SECRET = "relay-secret-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server accepted (acknowledged with 250), in order."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: while set, the server holds each message unanswered (the client waits for its 250)
    hold: threading.Event = field(default_factory=threading.Event)
    held: threading.Event = field(default_factory=threading.Event)
    arrived_at: list[float] = field(default_factory=list)
    #: hold the message that arrives after this many (once)
    hold_after: int | None = None

    def ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def bodies(self) -> list[str]:
        with self.lock:
            return [f"{m['Subject']}\n{m.get_content()}" for m in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import time

        if self.box.hold_after is not None and self.box.count() >= self.box.hold_after:
            self.box.hold.set()
            self.box.hold_after = None
        while self.box.hold.is_set():
            self.box.held.set()
            await asyncio.sleep(0.02)
            transport = getattr(session, "transport", None)
            if transport is not None and transport.is_closing():
                return "451 the client went away"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.box.lock:
            self.box.messages.append(message)
            self.box.arrived_at.append(time.time())
        return "250 OK"


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[tuple[int, Mailbox]]:
    box = Mailbox()
    port = port or free_port()
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        box.hold.clear()
        controller.stop()


@dataclass
class Relay:
    """What the webhook relay took (2xx), with each request's signature checked."""

    received: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.received)


@contextmanager
def webhook_relay() -> Iterator[tuple[str, Relay]]:
    relay = Relay()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                verify_headers(WEBHOOK_SECRET, body, dict(self.headers.items()))
            except InvalidSignature:
                with relay.lock:
                    relay.bad_signatures += 1
                self.send_response(401)
                self.end_headers()
                return
            document = orjson.loads(body)
            document["_header_id"] = self.headers.get("X-Hub-Notification-Id")
            with relay.lock:
                relay.received.append(document)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/relay", relay
    finally:
        server.shutdown()
        server.server_close()
