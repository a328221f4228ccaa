"""What the API's per-request observation costs: the request log line and the metrics.

``hub.api.observe.Observe`` (outermost middleware) counts every request in the metrics, times
it, and writes one JSON ``request`` line through ``hub.logs``. This benchmark measures that
cost side by side, in one process and one run, on the same services (embedded SQLite log, a
fresh data directory), with three variants of the same app, in alternating rounds:

- ``observed``: the app as ``hub serve`` runs it (JSON lines at INFO, written to /dev/null);
- ``no log line``: the same app with the request logger above INFO (metrics still counted);
- ``bare``: the app without the ``Observe`` middleware (no request id, no metrics, no line).

Each request is one ASGI call made directly (no client, no socket), one at a time, so the
process's CPU time per request is the app's own: ``GET /health`` and ``POST /referrals`` (a
fresh ``Idempotency-Key`` each, as in ``bench/api_commands.py``). Printed: CPU µs per request
for each variant (median over the rounds) and what the log line and the metrics add.

    .venv/bin/python bench/observe.py --requests 300 --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI

BENCH = Path(__file__).resolve().parent
# bench/projections.py would shadow the projections package: the hub is imported first
sys.path[:] = [str(BENCH.parent)] + [p for p in sys.path if Path(p or ".").resolve() != BENCH]

from hub import logs  # noqa: E402
from hub.access.tokens import Role  # noqa: E402
from hub.api.app import create_app  # noqa: E402
from hub.api.observe import Observe  # noqa: E402
from hub.bootstrap import build  # noqa: E402
from hub.settings import Settings  # noqa: E402

sys.path.append(str(BENCH))
from api_commands import set_up_with  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

VARIANTS = ("observed", "no log line", "bare")


async def call(
    app: FastAPI, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> int:
    """One request straight into the ASGI app; returns the status."""
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if body:
        raw += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def phase(app: FastAPI, n: int, token: str, referral: bytes | None) -> float:
    """CPU seconds per request of ``n`` requests (commands if ``referral``, else health)."""
    started = time.process_time()
    for _ in range(n):
        if referral is None:
            status = await call(app, "GET", "/health", {})
            expected = 200
        else:
            headers = {"authorization": f"Bearer {token}", "idempotency-key": uuid.uuid4().hex}
            status = await call(app, "POST", "/referrals", headers, referral)
            expected = 201
        if status != expected:
            raise RuntimeError(f"answered {status}, not {expected}")
    return (time.process_time() - started) / n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per phase")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="bench-observe-"))
    sink = open(os.devnull, "w")  # noqa: SIM115 - open for the whole run
    logs.configure("INFO", stream=sink)
    services = build(Settings(data_dir=data))
    request_log = logging.getLogger("hub.api.requests")
    try:
        observed = create_app(services)
        bare = create_app(services)
        bare.user_middleware = [m for m in bare.user_middleware if m.cls is not Observe]
        apps = {"observed": observed, "no log line": observed, "bare": bare}
        admin = services.access.issue(Role.ADMIN, None, "bench administrator")
        token, body = set_up_with(TestClient(observed), admin)
        referral = orjson.dumps(body)
        loop = asyncio.new_event_loop()
        cpu: dict[tuple[str, str], list[float]] = {}
        for variant in VARIANTS:  # warm-up, not counted
            loop.run_until_complete(phase(apps[variant], 20, token, None))
            loop.run_until_complete(phase(apps[variant], 20, token, referral))
        for r in range(args.rounds):
            order = VARIANTS if r % 2 == 0 else tuple(reversed(VARIANTS))
            for variant in order:
                request_log.setLevel(
                    logging.WARNING if variant == "no log line" else logging.NOTSET
                )
                for kind, sent in (("health", None), ("command", referral)):
                    seconds = loop.run_until_complete(
                        phase(apps[variant], args.requests, token, sent)
                    )
                    cpu.setdefault((variant, kind), []).append(seconds)
        request_log.setLevel(logging.NOTSET)
        loop.close()
    finally:
        services.close()
        sink.close()
        shutil.rmtree(data, ignore_errors=True)

    def us(variant: str, kind: str) -> float:
        return statistics.median(cpu[(variant, kind)]) * 1e6

    print(f"\nCPU µs per request, in-process ASGI calls, median of {args.rounds} rounds")
    print(f"{'variant':<14}{'GET /health':>14}{'POST /referrals':>18}")
    for variant in VARIANTS:
        print(f"{variant:<14}{us(variant, 'health'):>14.0f}{us(variant, 'command'):>18.0f}")
    for kind, label in (("health", "GET /health"), ("command", "POST /referrals")):
        line = us("observed", kind) - us("no log line", kind)
        metrics = us("no log line", kind) - us("bare", kind)
        share = (us("observed", kind) - us("bare", kind)) / us("observed", kind)
        print(
            f"{label}: the log line adds {line:.0f} µs, the metrics and request id "
            f"{metrics:.0f} µs; Observe is {share:.0%} of the request's CPU"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
