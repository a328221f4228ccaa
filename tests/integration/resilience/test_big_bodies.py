"""A 100 MB body against a real ``hub serve``: refused without being held in memory.

Without a token the answer is 401 and the server's peak memory grows by no more than a few
MB; with a token it is 413, likewise. The body is sent over a plain socket, so the client
stops as soon as the server answers or closes.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import httpx

from tests.integration.resilience.serve import HubServer, hub_env

BODY_MB = 100
GROWTH_LIMIT_KB = 8 * 1024


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


def send_big_body(port: int, token: str | None) -> tuple[int, dict[str, object]]:
    """POSTs a 100 MB JSON body (declared in Content-Length); the status and problem body."""
    head = [
        "POST /persons HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        f"Content-Length: {BODY_MB * 1024 * 1024}",
        "Idempotency-Key: big-body",
        *([f"Authorization: Bearer {token}"] if token else []),
    ]
    chunk = b"x" * (1024 * 1024)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        try:
            for _ in range(BODY_MB):
                conn.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: what it should do
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                data = conn.recv(65536)
                if not data:
                    break
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
    status = int(answer.split(b" ", 2)[1])
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    return status, body


def test_a_100_mb_body_is_refused_without_growing_the_server(tmp_path: Path) -> None:
    server = HubServer(hub_env(tmp_path))
    token = server.cli("token", "issue", "--role", "admin")
    port = server.port
    server.start()
    try:
        # warm the paths once with a small body, so imports and caches are not counted
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "warm"}
        httpx.post(f"http://127.0.0.1:{port}/persons", content=b"{}", headers=headers)
        httpx.post(f"http://127.0.0.1:{port}/persons", content=b"{}")
        before = memory_kb(server.pid, "VmRSS")
        samples: list[int] = []
        done = threading.Event()

        def sample() -> None:  # the server's resident memory every 5 ms while bodies arrive
            while not done.is_set():
                samples.append(memory_kb(server.pid, "VmRSS"))
                time.sleep(0.005)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            status, problem = send_big_body(port, None)
            assert (status, problem["type"]) == (401, "/problems/unauthorized")
            status, problem = send_big_body(port, token)
            assert (status, problem["type"]) == (413, "/problems/body-too-large")
        finally:
            done.set()
            sampler.join()
        peak = max(samples)
        print(f"server RSS before {before} kB, peak after two 100 MB bodies {peak} kB")
        assert peak - before < GROWTH_LIMIT_KB
    finally:
        server.stop()
