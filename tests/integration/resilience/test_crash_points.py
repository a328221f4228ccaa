"""Idempotency across crashes: the hub dies after each step of a command, then the retry runs.

Each step of :data:`~tests.integration.resilience.crash_command.STEPS` gets its own key: a hub
process runs ``POST /referrals`` and dies right after that step (``os._exit``, no clean-up,
as kill -9); a new process retries with the same key. Whatever the step, the log then holds
the referral exactly once, and the retry's answer names it: a fresh 201 if the crash came
before the commit, the first answer replayed if it came after.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
import warnings
from pathlib import Path
from typing import Any

import pytest

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import build
from hub.settings import Settings
from tests.integration.resilience.crash_command import CRASHED, STEPS
from tests.integration.resilience.serve import seed

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

#: steps after which the referral and its answer are in the log
COMMITTED = {"log-committed", "recorded", "released"}


def set_up(data_dir: Path, log_env: dict[str, str]) -> dict[str, Any]:
    """Two agencies, a staff token for the procuratorate, one person with consent."""
    services = build(Settings(data_dir=data_dir), log_env)
    try:
        admin = services.access.issue(Role.ADMIN, None, "test administrator")
        with TestClient(create_app(services)) as client:
            ids, staff, person = seed(client.post, admin)
    finally:
        services.close()
    return {"ids": ids, "token": staff, "person": person}


def run_hub(spec: dict[str, Any], directory: Path) -> subprocess.CompletedProcess[str]:
    path = directory / f"spec-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps(spec))
    return subprocess.run(
        [sys.executable, "-m", "tests.integration.resilience.crash_command", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_crash_after_any_step_leaves_the_command_applied_once(
    log_env: dict[str, str], log_kind: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "hub"
    world = set_up(data_dir, log_env)
    retries: dict[str, dict[str, Any]] = {}
    for step in STEPS:
        key = f"crash-{step}-{uuid.uuid4().hex[:8]}"
        spec = {
            "data_dir": str(data_dir),
            "log_env": log_env,
            "token": world["token"],
            "path": "/referrals",
            "body": {
                "recipient_id": world["ids"]["ca"],
                "person_id": world["person"],
                "reason": key,
                "services": ["temporary-aid"],
                "on_behalf_of": "承办人",
            },
            "key": key,
        }
        crashed = run_hub({**spec, "crash_at": step}, tmp_path)
        if step == "log-committed" and log_kind == "sqlite":
            assert crashed.returncode == 0, crashed.stderr  # no replica: nothing to die in
        else:
            assert crashed.returncode == CRASHED, (step, crashed.returncode, crashed.stderr)
            assert crashed.stdout == ""  # the client never got an answer
        retry = run_hub({**spec, "crash_at": None}, tmp_path)
        assert retry.returncode == 0, retry.stderr
        retries[key] = {"step": step, **json.loads(retry.stdout)}

    services = build(Settings(data_dir=data_dir), log_env)
    try:
        outbox = services.hub.agency_referrals(uuid.UUID(world["ids"]["p"]))
    finally:
        services.close()
    for key, retry in retries.items():
        made = [r["id"] for r in outbox if r["reason"] == key]
        assert len(made) == 1, (retry["step"], made)
        assert retry["status"] == 201, retry
        assert retry["body"] == {"id": made[0]}, retry
        assert retry["replayed"] is (retry["step"] in COMMITTED), retry


def test_a_rebuilt_replica_still_knows_the_first_answer(
    log_env: dict[str, str], log_kind: str, tmp_path: Path
) -> None:
    """The answer is in the topic, not only in the replica: deleted, it is rebuilt with it."""
    if log_kind != "kafka":
        pytest.skip("only the Kafka log has a replica")
    data_dir = tmp_path / "hub"
    world = set_up(data_dir, log_env)
    spec = {
        "data_dir": str(data_dir),
        "log_env": log_env,
        "token": world["token"],
        "path": "/referrals",
        "body": {
            "recipient_id": world["ids"]["ca"],
            "person_id": world["person"],
            "reason": "重建副本",
            "services": ["temporary-aid"],
            "on_behalf_of": "承办人",
        },
        "key": "rebuild-replica",
        "crash_at": None,
    }
    first = run_hub(spec, tmp_path)
    assert first.returncode == 0, first.stderr
    replica = Path(log_env["HUB_REPLICA_PATH"])
    for path in replica.parent.glob(replica.name + "*"):
        path.unlink()
    retry = run_hub(spec, tmp_path)
    assert retry.returncode == 0, retry.stderr
    answer = json.loads(retry.stdout)
    assert answer["replayed"] is True
    assert answer["body"] == json.loads(first.stdout)["body"]
