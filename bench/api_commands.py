"""Benchmark of commands through the HTTP API: a real uvicorn server, a separate load process.

This process is the load: it issues an administrator token with ``hub token issue``, starts
``hub serve`` on a free loopback port in a fresh data directory (a subprocess), sets up two
agencies and a consenting person through the API, then drives the same server, at the same
concurrency, with

1. the trivial endpoint ``GET /health`` (no token, one read of the log's position), and
2. commands: ``POST /referrals`` with a fresh ``Idempotency-Key`` each (a new referral each),

in rounds (trivial, commands, trivial, commands, ..., trivial), so that a machine whose load
drifts affects both alike. It prints requests per second, p50/p99 latencies and the CPU time
per request of the server and of the load process for each kind, the ratio commands / trivial
(goal: at least 0.5) overall and per round, and checks that every command answered 201 and
appended exactly two events (the referral's and, in the same commit, its key's answer).

Usage: ``python bench/api_commands.py [--concurrency 8] [--requests 1000] [--rounds 3]
[--seconds 30] [--log sqlite|kafka] [--kafka-bootstrap HOST:PORT] [--with-notifier]
[--profile FILE]``. The server is the API alone, as on Kafka (``--no-projections
--no-notifications``: their own benchmarks measure the projection worker and the notifier);
``--with-notifier`` keeps the notifier in it, as plain ``hub serve`` on the embedded log does.
It also prints how many appends shared each transaction of the log's writer.
With ``--log kafka`` the server's log is a fresh topic on the tests' Tansu broker (started
here) or on the broker given; ``--profile`` records py-spy samples of the server during the
commands (see ``bench/api_server.py``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_server import cpu_seconds, profiled, server, tansu

GOAL = 0.5


def set_up(base: str, admin: str) -> tuple[str, dict[str, Any]]:
    """Two agencies and a consenting person; returns the requester's token and a referral body."""
    with httpx.Client(base_url=base, timeout=30) as c:
        return set_up_with(c, admin)


def set_up_with(c: httpx.Client, admin: str) -> tuple[str, dict[str, Any]]:
    """:func:`set_up` through the client given (a server's, or an app's test client)."""

    def post(token: str, path: str, body: dict[str, Any]) -> Any:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
        response = c.post(path, json=body, headers=headers)
        response.raise_for_status()
        return response.json()

    ids = {}
    for name, kind, services in [
        ("基准测试县人民检察院", "procuratorate", ["judicial-relief"]),
        ("基准测试县民政局", "civil-affairs", ["minimum-living-allowance", "temporary-aid"]),
    ]:
        agency = {"name": name, "kind": kind, "level": "county", "region_code": "659001"}
        ids[kind] = post(admin, "/agencies", {**agency, "services": services})["id"]
    staff = {"role": "staff", "agency_id": ids["procuratorate"], "label": "bench"}
    token = str(post(admin, "/tokens", staff)["token"])
    person_id = post(token, "/persons", {"id_number": "659001199001010013", "name": "基准"})["id"]
    consent = {
        "to_agencies": [ids["civil-affairs"]],
        "services": ["temporary-aid"],
        "evidence": "written",
    }
    post(token, f"/persons/{person_id}/consent", consent)
    body = {
        "recipient_id": ids["civil-affairs"],
        "person_id": person_id,
        "reason": "生活困难，申请临时救助",
        "services": ["temporary-aid"],
    }
    return token, body


Request = Callable[[httpx.Client], httpx.Response]


@dataclass
class Phase:
    name: str
    expected: int
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    server_cpu: float = 0.0  # the server's CPU seconds during the phase
    load_cpu: float = 0.0  # this (load) process's CPU seconds during the phase

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0

    @classmethod
    def merged(cls, phases: list[Phase]) -> Phase:
        whole = cls(phases[0].name, phases[0].expected)
        for p in phases:
            whole.latencies += p.latencies
            whole.failures += p.failures
            whole.seconds += p.seconds
            whole.server_cpu += p.server_cpu
            whole.load_cpu += p.load_cpu
        return whole


def run(
    name: str,
    base: str,
    pid: int,
    request: Request,
    expected: int,
    requests: int,
    concurrency: int,
    seconds: float,
) -> Phase:
    """``requests`` calls of ``request`` from ``concurrency`` threads, at most ``seconds`` long."""
    phase = Phase(name, expected)
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < deadline:
                with lock:
                    if remaining[0] == 0:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                response = request(client)
                took = time.perf_counter() - started
                with lock:
                    if response.status_code == expected:
                        phase.latencies.append(took)
                    else:
                        phase.failures.append(f"{response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started, cpu, own = time.perf_counter(), cpu_seconds(pid), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.seconds = time.perf_counter() - started
    phase.server_cpu = cpu_seconds(pid) - cpu
    phase.load_cpu = time.process_time() - own
    return phase


def health(client: httpx.Client) -> httpx.Response:
    return client.get("/health")


def referrals(token: str, body: dict[str, Any]) -> Request:
    def request(client: httpx.Client) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
        return client.post("/referrals", json=body, headers=headers)

    return request


def position(base: str, admin: str) -> int:
    """The log's position (``/health`` shows it to an administrator only)."""
    headers = {"Authorization": f"Bearer {admin}"}
    return int(httpx.get(f"{base}/health", headers=headers).json()["log_position"] or 0)


def group_commits(base: str, admin: str) -> tuple[float, float]:
    """Appends and transactions of the log's writer so far (its ``/metrics`` histogram)."""
    headers = {"Authorization": f"Bearer {admin}"}
    text = httpx.get(f"{base}/metrics", headers=headers).text
    figures = dict.fromkeys(("sum", "count"), 0.0)
    for line in text.splitlines():
        for name in figures:
            if line.startswith(f"hub_log_group_appends_{name} "):
                figures[name] = float(line.split()[1])
    return figures["sum"], figures["count"]


def report(trivial: list[Phase], commands: list[Phase], concurrency: int, log: str) -> float:
    """Prints each kind over all rounds, and the ratios; returns the overall ratio."""
    print(f"\n{log} log, concurrency {concurrency}, one uvicorn worker, loopback")
    print(
        f"{'phase':<18}{'ok':>6}{'failed':>7}{'seconds':>8}{'req/s':>8}{'p50 ms':>8}"
        f"{'p99 ms':>8}  CPU ms/req: server, load"
    )
    for p in (Phase.merged(trivial), Phase.merged(commands)):
        done = max(1, len(p.latencies))
        print(
            f"{p.name:<18}{len(p.latencies):>6}{len(p.failures):>7}{p.seconds:>8.2f}"
            f"{p.rate:>8.1f}{p.quantile(0.5):>8.1f}{p.quantile(0.99):>8.1f}"
            f"{1000 * p.server_cpu / done:>20.2f},{1000 * p.load_cpu / done:>5.2f}"
        )
    rounds = [
        c.rate / statistics.mean([before.rate, after.rate])
        for c, before, after in zip(commands, trivial, trivial[1:], strict=False)
    ]
    ratio = Phase.merged(commands).rate / Phase.merged(trivial).rate
    verdict = "meets" if ratio >= GOAL else "below"
    print(
        f"ratio per round (commands / trivial around it): {', '.join(f'{r:.2f}' for r in rounds)}"
    )
    print(f"ratio commands / trivial: {ratio:.2f} ({verdict} the goal of {GOAL})")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000, help="per phase")
    parser.add_argument("--seconds", type=float, default=30.0, help="at most, per phase")
    parser.add_argument(
        "--rounds", type=int, default=3, help="commands phases, each between two trivial ones"
    )
    parser.add_argument("--log", choices=["sqlite", "kafka"], default="sqlite")
    parser.add_argument("--kafka-bootstrap", help="with --log kafka: host:port (default: Tansu)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument(
        "--with-notifier",
        action="store_true",
        help="on the embedded log: the notifier in the server too (as plain `hub serve`)",
    )
    parser.add_argument(
        "--profile", help="file for py-spy's collapsed stacks of the server during the commands"
    )
    parser.add_argument("--profile-mode", choices=["gil", "wall"], default="gil")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "KAFKA_"))}
    try:
        with ExitStack() as stack:
            if args.log == "kafka":
                bootstrap = args.kafka_bootstrap or stack.enter_context(tansu())
                env["KAFKA_BOOTSTRAP_SERVERS"] = bootstrap
                env["HUB_LOG_TOPIC"] = f"bench-{uuid.uuid4().hex[:8]}.events"
            base, admin, pid = stack.enter_context(
                server(data_dir, env, notifier=args.with_notifier)
            )
            print(f"hub serve pid {pid} at {base}, data in {data_dir}")
            token, body = set_up(base, admin)
            command = referrals(token, body)
            n, c, s = args.requests, args.concurrency, args.seconds
            run("warm-up", base, pid, health, 200, 100, c, s)
            run("warm-up", base, pid, command, 201, 100, c, s)
            before = position(base, admin)
            appends_before, groups_before = group_commits(base, admin)
            trivial = [run("GET /health", base, pid, health, 200, n, c, s)]
            commands: list[Phase] = []
            with profiled(pid, args.profile, args.profile_mode):
                for _ in range(args.rounds):
                    commands.append(run("POST /referrals", base, pid, command, 201, n, c, s))
                    trivial.append(run("GET /health", base, pid, health, 200, n, c, s))
            appended = position(base, admin) - before
            appends, groups = group_commits(base, admin)
            appends, groups = appends - appends_before, groups - groups_before
        ratio = report(trivial, commands, c, args.log)
        created = sum(len(p.latencies) for p in commands)
        print(f"referrals created: {created}, events appended: {appended}")
        if groups:
            print(f"appends per transaction of the log's writer: {appends / groups:.2f}")
        failures = [f for p in trivial + commands for f in p.failures]
        for failure in failures[:5]:
            print("failure:", failure)
        ok = not failures and appended == 2 * created
        if not ok:
            print("CHECK FAILED: every command should answer 201 and append two events")
        return 0 if ok and ratio >= GOAL else 1
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
