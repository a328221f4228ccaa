"""One hub process that runs one POST and dies (``os._exit``, as kill -9 would) at a step.

Run as ``python -m tests.integration.resilience.crash_command SPEC`` where SPEC is a JSON file:
``data_dir``, ``log_env``, ``token``, ``path``, ``body``, ``key`` and ``crash_at`` (a step name
of :data:`STEPS`, or ``null`` to run to the end). Without a crash it prints the answer as
JSON: ``status``, ``replayed`` and ``body``.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hub.access.tokens import AccessStore
from hub.api.app import create_app
from hub.app import ReliefHub
from hub.bootstrap import build
from hub.eventlog.replica import Replica
from hub.settings import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

#: the steps of an idempotent command, in order; the process dies right after the named one
STEPS = (
    "claimed",  # the key is claimed in this process
    "looked-up",  # the log was asked for the key's answer (none)
    "ran",  # the command ran and answered; its events are held back
    "log-committed",  # Kafka log: the broker committed the transaction; replica not yet applied
    "recorded",  # the events and the answer are in the log (and the replica)
    "released",  # the claim is let go; the answer is about to be sent
)

CRASHED = 137


def die() -> None:
    sys.stdout.flush()
    os._exit(CRASHED)


def after(owner: Any, name: str, step: str, crash_at: str, when: Callable[..., bool]) -> None:
    original = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if step == crash_at and when(*args, **kwargs):
            die()
        return result

    setattr(owner, name, wrapped)


def before(owner: Any, name: str, step: str, crash_at: str) -> None:
    original = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if step == crash_at:
            die()
        return original(*args, **kwargs)

    setattr(owner, name, wrapped)


def install(crash_at: str) -> None:
    always: Callable[..., bool] = lambda *a, **k: True  # noqa: E731
    after(AccessStore, "begin", "claimed", crash_at, always)
    after(ReliefHub, "recorded_answer", "looked-up", crash_at, always)
    # the unit is prepared for the log (on the API's loop, or by commit_unit), then recorded
    before(ReliefHub, "prepare_unit", "ran", crash_at)
    # the group's records (the command's events and the answer), not the writer's own mark
    before_replica = Replica.apply

    def apply(self: Replica, records: Any, position: int) -> int:
        records = list(records)
        if crash_at == "log-committed" and len(records) > 1:
            die()
        return before_replica(self, records, position)

    Replica.apply = apply  # type: ignore[method-assign]
    after(ReliefHub, "unit_recorded", "recorded", crash_at, always)
    after(AccessStore, "release", "released", crash_at, always)


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    if spec["crash_at"] is not None:
        install(spec["crash_at"])
    services = build(Settings(data_dir=Path(spec["data_dir"])), spec["log_env"])
    try:
        with TestClient(create_app(services)) as client:
            answer = client.post(
                spec["path"],
                json=spec["body"],
                headers={
                    "Authorization": f"Bearer {spec['token']}",
                    "Idempotency-Key": spec["key"],
                },
            )
        print(
            json.dumps(
                {
                    "status": answer.status_code,
                    "replayed": answer.headers.get("idempotent-replayed") == "true",
                    "body": answer.json(),
                }
            )
        )
    finally:
        services.close()


if __name__ == "__main__":
    main(sys.argv[1])
