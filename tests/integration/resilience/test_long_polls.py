"""Long-polls do not hold threads: 45 waiting feed requests against a real ``hub serve``.

The idle latency of ``GET /health`` and of an authenticated ``GET /agencies`` (a route that
runs in a worker thread) is measured first; with 45 feed requests waiting it must stay within
a generous multiple of that baseline. The agency's limit on waits is 45 here, so a 46th gets
429 with ``Retry-After``.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

import httpx

from tests.integration.api.conftest import AGENCIES
from tests.integration.resilience.serve import HubServer, hub_env

WAITERS = 45
WAIT_SECONDS = 6


def latency(client: httpx.Client, path: str, headers: dict[str, str]) -> float:
    """The median of ten calls, in seconds."""
    times = []
    for _ in range(10):
        started = time.perf_counter()
        assert client.get(path, headers=headers).status_code == 200
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def test_waiting_feeds_do_not_slow_other_requests(tmp_path: Path) -> None:
    server = HubServer(hub_env(tmp_path, HUB_FEED_WAITS_PER_AGENCY=str(WAITERS)))
    admin = server.cli("token", "issue", "--role", "admin")
    base = server.base
    server.start()
    try:
        client = httpx.Client(base_url=base, timeout=30)
        as_admin = {"Authorization": f"Bearer {admin}", "Idempotency-Key": "a"}
        agency = client.post("/agencies", json=AGENCIES["ca"], headers=as_admin).json()["id"]
        issued = client.post(
            "/tokens",
            json={"role": "connector", "agency_id": agency, "label": "connector"},
            headers={**as_admin, "Idempotency-Key": "t"},
        ).json()
        staff = {"Authorization": f"Bearer {issued['token']}"}

        idle = {"/health": latency(client, "/health", {})}
        idle["/agencies"] = latency(client, "/agencies", staff)

        feed = f"/agencies/{agency}/feed?after=1000000&wait={WAIT_SECONDS}"
        answers: list[int] = []

        def wait_for_news() -> None:
            with httpx.Client(base_url=base, timeout=WAIT_SECONDS + 20) as own:
                answers.append(own.get(feed, headers=staff).status_code)

        waiters = [threading.Thread(target=wait_for_news) for _ in range(WAITERS)]
        for waiter in waiters:
            waiter.start()
        # once all of them wait, the agency is at its limit: one more is refused
        limit_deadline = time.monotonic() + WAIT_SECONDS / 2
        while client.get("/health", headers=as_admin).json()["feed_waits"] < WAITERS:
            assert time.monotonic() < limit_deadline
            time.sleep(0.05)
        extra = client.get(feed, headers=staff)
        assert extra.status_code == 429, extra.text
        assert extra.headers["content-type"] == "application/problem+json"
        assert extra.json()["type"] == "/problems/too-many-waits"
        assert int(extra.headers["Retry-After"]) >= 1

        loaded = {"/health": latency(client, "/health", {})}
        loaded["/agencies"] = latency(client, "/agencies", staff)
        still_waiting = sum(w.is_alive() for w in waiters)
        for waiter in waiters:
            waiter.join(timeout=WAIT_SECONDS + 20)
    finally:
        server.stop()
    print(f"idle {idle}, with {WAITERS} waiting feeds {loaded}")
    assert still_waiting == WAITERS  # measured while every feed request was waiting
    assert answers == [200] * WAITERS
    for path, seconds in loaded.items():
        assert seconds < 10 * idle[path] + 0.25, (path, seconds, idle[path])
