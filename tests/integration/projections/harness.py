"""Helpers for projection tests: stores per backend, waiting, running and killing workers."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from projections.runner import Runner
from projections.store import ViewStore
from projections.view import View

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class StoreSpec:
    """Where a test's views live: what a worker process needs to open the same store."""

    url: str
    schema: str | None
    store: ViewStore


def wait_until(condition: Callable[[], Any], timeout: float = 10.0, every: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(every)


@contextmanager
def running(
    app: Any, store: ViewStore, views: list[type[View]], **kwargs: Any
) -> Iterator[threading.Event]:
    """Runs a Runner in a thread for the duration of the block; re-raises its error."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def target() -> None:
        try:
            Runner(app, store, views, recheck=0.1, **kwargs).run(stop)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive(), "runner did not stop"
    if errors:
        raise errors[0]


def own_replica(log_env: dict[str, str]) -> dict[str, str]:
    """The log's settings for another process: on Kafka, with a local replica of its own."""
    if "HUB_REPLICA_PATH" not in log_env:
        return dict(log_env)
    return {**log_env, "HUB_REPLICA_PATH": f"{log_env['HUB_REPLICA_PATH']}-{uuid.uuid4().hex[:8]}"}


def start_worker(
    module: str, log_env: dict[str, str], spec: StoreSpec, delay: float, batch: int
) -> subprocess.Popen[bytes]:
    env = {**os.environ, **own_replica(log_env), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", module, spec.url, spec.schema or "", str(delay), str(batch)],
        cwd=ROOT,
        env=env,
    )


def snapshot(view: View) -> dict[str, list[str]]:
    """Every row of every table of a view version, canonical, for comparing two versions."""
    import json

    return {
        logical: sorted(
            json.dumps(row, sort_keys=True, default=str)
            for row in view.read(f"SELECT * FROM {{{logical}}}")
        )
        for logical in view.tables
    }


def follow(app: Any, store: ViewStore, views: list[type[View]], timeout: float = 30) -> None:
    """Runs the views' runner until every view has reached the log's head."""
    from projections.rebuild import read_active

    head = app.recorder.max_notification_id()

    def caught_up() -> bool:
        if any(store.active_version(v.name) is None for v in views):
            return False
        return all(read_active(store, v).position() == head for v in views)

    with running(app, store, views):
        wait_until(caught_up, timeout=timeout)
