"""kill -9 of a real ``hub serve`` under concurrent load, on both logs: 0 lost, 0 applied twice.

Twenty clients each send ``POST /referrals`` with a fresh ``Idempotency-Key`` (the key is also
the referral's reason), retrying the same request with the same key through connection
failures until it is answered. The server is killed with SIGKILL four times mid-load and started
again. At the end every acknowledged referral is in the log exactly once, with the id its
client was told, and no reason appears twice.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.integration.resilience.serve import HubServer, hub_env, seed

CLIENTS = 20
LOAD_SECONDS = 2.0  # load before each kill, and after the last restart
KILLS = 4


def log_env(log_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    if log_kind == "sqlite":
        return hub_env(tmp_path / "hub")
    return hub_env(
        tmp_path / "hub",
        KAFKA_BOOTSTRAP_SERVERS=request.getfixturevalue("kafka_bootstrap"),
        HUB_LOG_TOPIC=f"kill-{uuid.uuid4().hex[:8]}.events",
    )


def test_kill_9_under_load_loses_nothing_and_applies_nothing_twice(
    log_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    server = HubServer(log_env(log_kind, tmp_path, request))
    server.start()
    try:
        admin = server.cli("token", "issue", "--role", "admin")
        http = httpx.Client(base_url=server.base, timeout=30)

        ids, token, person = seed(http.post, admin)

        stop = threading.Event()
        acknowledged: dict[str, str] = {}
        replayed: list[str] = []
        unexpected: list[str] = []
        lock = threading.Lock()

        def client() -> None:
            with httpx.Client(base_url=server.base, timeout=20) as own:
                while not stop.is_set():
                    key = uuid.uuid4().hex
                    body = {
                        "recipient_id": ids["ca"],
                        "person_id": person,
                        "reason": key,
                        "services": ["temporary-aid"],
                        "on_behalf_of": "承办人",
                    }
                    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
                    give_up = time.monotonic() + 45
                    while time.monotonic() < give_up:  # the same request until answered
                        try:
                            answer = own.post("/referrals", json=body, headers=headers)
                        except httpx.TransportError:
                            time.sleep(0.05)
                            continue
                        if answer.status_code in (409, 503):  # still running, or restarting
                            time.sleep(0.05)
                            continue
                        with lock:
                            if answer.status_code != 201:
                                unexpected.append(f"{answer.status_code} {answer.text}")
                            else:
                                acknowledged[key] = answer.json()["id"]
                                if answer.headers.get("idempotent-replayed") == "true":
                                    replayed.append(key)
                        break

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for _ in range(KILLS):
            time.sleep(LOAD_SECONDS)
            server.kill()
            server.start()
        time.sleep(LOAD_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        hung = [thread.name for thread in threads if thread.is_alive()]
        elapsed = time.monotonic() - started

        outbox = http.get(
            f"/agencies/{ids['p']}/referrals",
            params={"box": "outbox"},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
    finally:
        server.stop()

    reasons = Counter(r["reason"] for r in outbox)
    by_reason = {r["reason"]: r["id"] for r in outbox}
    print(
        f"{log_kind}: {len(acknowledged)} acknowledged, {len(replayed)} replayed after a kill, "
        f"{len(outbox)} in the log, {elapsed:.1f} s"
    )
    assert not unexpected
    assert len(acknowledged) > CLIENTS  # the load really ran
    assert [k for k, n in reasons.items() if n > 1] == []  # 0 applied twice
    lost = [k for k, i in acknowledged.items() if by_reason.get(k) != i]
    assert lost == []  # 0 acknowledged lost, each with the id its client was told
    assert hung == []  # every client was answered or gave up (its own 45 s), none waits on
