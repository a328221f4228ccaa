"""A real ``hub serve`` for the resilience tests: on a free loopback port, killed or stopped.

The server's output is discarded; ``start`` waits until ``GET /health`` answers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.integration.api.conftest import AGENCIES, id_number
from tests.support.tansu import free_port

Post = Callable[..., Any]  # (path, json=..., headers=...) -> a response with status_code, json()

HUB = [sys.executable, "-m", "hub"]


def hub_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment with the hub's data in ``data_dir`` on the embedded log,
    plus ``settings`` (environment variables, e.g. ``HUB_MAX_BODY_BYTES``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "KAFKA_"))}
    return {**env, "HUB_DATA_DIR": str(data_dir), **settings}


def seed(post: Post, admin: str) -> tuple[dict[str, str], str, str]:
    """Two agencies (a procuratorate and civil affairs), a staff token for the procuratorate and
    one person with a consent naming civil affairs for temporary aid, each by a keyed POST.
    Returns the agencies' ids, the staff token and the person's id."""

    def ok(token: str, path: str, body: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
        answer = post(path, json=body, headers=headers)
        assert answer.status_code < 300, answer.text
        return answer.json()

    ids = {k: ok(admin, "/agencies", AGENCIES[k])["id"] for k in ("p", "ca")}
    staff = ok(admin, "/tokens", {"role": "staff", "agency_id": ids["p"], "label": "p"})["token"]
    person = ok(staff, "/persons", {"id_number": id_number(), "name": "测试当事人"})["id"]
    consent = {
        "to_agencies": [ids["ca"]],
        "services": ["temporary-aid"],
        "evidence": "written",
        "on_behalf_of": "承办人",
    }
    ok(staff, f"/persons/{person}/consent", consent)
    return ids, staff, person


class HubServer:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cli(self, *args: str) -> str:
        """Runs ``hub ARGS`` on the same data; its standard output."""
        done = subprocess.run(
            [*HUB, *args], env=self.env, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    def start(self, timeout: float = 30, args: tuple[str, ...] = ()) -> None:
        """Starts ``hub serve`` (with ``args``) and waits until it answers."""
        self.process = subprocess.Popen(
            [*HUB, "serve", "--port", str(self.port), *args],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.process.poll() is None, "hub serve exited"
            assert time.monotonic() < deadline, "hub serve did not start"
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM: the server shuts down cleanly."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
