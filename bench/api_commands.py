"""Benchmark of commands through the HTTP API: a real uvicorn server, a separate load process.

This process is the load: it issues an administrator token with ``hub token issue``, starts
``hub serve`` on a free loopback port in a fresh data directory (a subprocess), sets up two
agencies and a consenting person through the API, then drives the same server, at the same
concurrency, with

1. the trivial endpoint ``GET /health`` (no token, one read of the log's position), and
2. commands: ``POST /referrals`` with a fresh ``Idempotency-Key`` each (a new referral each),

then ``GET /health`` again. It prints requests per second and p50/p99 latencies of each, and
the ratio commands / trivial (goal: at least 0.5), and checks that every command answered 201
and appended exactly one event.

Usage: ``python bench/api_commands.py [--concurrency 8] [--requests 2000] [--seconds 30]
[--kafka-bootstrap HOST:PORT]``. With ``--kafka-bootstrap`` the server's log is a fresh topic
on that broker instead of the embedded SQLite file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

GOAL = 0.5
STARTUP_SECONDS = 60.0


def hub_command() -> list[str]:
    script = Path(sys.executable).with_name("hub")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hub.cli"]


def py_spy() -> str:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else "py-spy"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(data_dir: Path, env: dict[str, str]) -> Iterator[tuple[str, str, int]]:
    """``hub serve`` on a free loopback port; yields (base URL, admin token, server pid)."""
    admin = subprocess.run(
        [*hub_command(), "token", "issue", "--role", "admin", "--data-dir", str(data_dir)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.strip()
    port = free_port()
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [*hub_command(), "serve", "--data-dir", str(data_dir), "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"hub serve exited: see {data_dir / 'server.log'}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("hub serve did not answer /health in time")
            time.sleep(0.2)
        yield base, admin, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def set_up(base: str, admin: str) -> tuple[str, dict[str, Any]]:
    """Two agencies and a consenting person; returns the requester's token and a referral body."""
    with httpx.Client(base_url=base, timeout=30) as c:

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
        person_id = post(token, "/persons", {"id_number": "659001199001010016", "name": "基准"})[
            "id"
        ]
        consent = {"disclose": True, "services": True, "recorded_by": "承办人"}
        post(token, f"/persons/{person_id}/consent", consent)
    body = {
        "recipient_id": ids["civil-affairs"],
        "person_id": person_id,
        "reason": "生活困难，申请临时救助",
        "services": ["temporary-aid"],
        "requested_by": "承办人",
    }
    return token, body


Request = Callable[[httpx.Client], httpx.Response]


def cpu_seconds(pid: int) -> float:
    """The process's user + system CPU time so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


@contextmanager
def profiled(pid: int, output: str | None, what: str) -> Iterator[None]:
    """Samples the server with py-spy (if asked; install it yourself) while the block runs.

    ``what`` is ``gil`` (only the thread holding the GIL: where the CPU goes) or ``wall``
    (every thread, idle or not: where a request waits).
    """
    if not output:
        yield
        return
    sampling = ["--gil"] if what == "gil" else ["--threads", "--idle"]
    spy = subprocess.Popen(
        [py_spy(), "record", "--pid", str(pid), "--format", "raw", "--output", output, *sampling],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # py-spy attaches
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=30)


def position(base: str) -> int:
    return int(httpx.get(f"{base}/health").json()["log_position"] or 0)


def report(phases: list[Phase], concurrency: int) -> float:
    print(f"\nconcurrency {concurrency}, one uvicorn worker, loopback")
    print(
        f"{'phase':<22}{'ok':>6}{'failed':>7}{'seconds':>8}{'req/s':>8}{'p50 ms':>8}"
        f"{'p99 ms':>8}  CPU ms/req: server, load"
    )
    for p in phases:
        done = max(1, len(p.latencies))
        print(
            f"{p.name:<22}{len(p.latencies):>6}{len(p.failures):>7}{p.seconds:>8.2f}"
            f"{p.rate:>8.1f}{p.quantile(0.5):>8.1f}{p.quantile(0.99):>8.1f}"
            f"{1000 * p.server_cpu / done:>20.2f},{1000 * p.load_cpu / done:>5.2f}"
        )
    trivial = statistics.mean(p.rate for p in phases if p.name.startswith("GET"))
    commands = next(p.rate for p in phases if p.name.startswith("POST"))
    ratio = commands / trivial if trivial else 0.0
    verdict = "meets" if ratio >= GOAL else "below"
    print(f"ratio commands / trivial: {ratio:.2f} ({verdict} the goal of {GOAL})")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000, help="per phase")
    parser.add_argument("--seconds", type=float, default=30.0, help="at most, per phase")
    parser.add_argument("--kafka-bootstrap", help="host:port; default: the embedded SQLite log")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument(
        "--profile", help="file for py-spy's collapsed stacks of the server during the commands"
    )
    parser.add_argument("--profile-mode", choices=["gil", "wall"], default="gil")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "KAFKA_"))}
    if args.kafka_bootstrap:
        env["KAFKA_BOOTSTRAP_SERVERS"] = args.kafka_bootstrap
        env["HUB_LOG_TOPIC"] = f"bench-{uuid.uuid4().hex[:8]}.events"
    try:
        with server(data_dir, env) as (base, admin, pid):
            print(f"hub serve pid {pid} at {base}, data in {data_dir}")
            token, body = set_up(base, admin)
            command = referrals(token, body)
            n, c, s = args.requests, args.concurrency, args.seconds
            run("warm-up", base, pid, health, 200, 100, c, s)
            run("warm-up", base, pid, command, 201, 100, c, s)
            before = position(base)
            phases = [run("GET /health", base, pid, health, 200, n, c, s)]
            with profiled(pid, args.profile, args.profile_mode):
                phases.append(run("POST /referrals", base, pid, command, 201, n, c, s))
            appended = position(base) - before
            phases.append(run("GET /health (again)", base, pid, health, 200, n, c, s))
        ratio = report(phases, c)
        created = len(phases[1].latencies)
        print(f"referrals created: {created}, events appended: {appended}")
        failures = [f for p in phases for f in p.failures]
        for failure in failures[:5]:
            print("failure:", failure)
        ok = not failures and appended == created
        if not ok:
            print("CHECK FAILED: every command should answer 201 and append one event")
        return 0 if ok and ratio >= GOAL else 1
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
