"""``hub backup`` on the embedded default, taken while a real ``hub serve`` takes writes.

Clients register persons and refer them, each POST acknowledged or not; a backup is taken in
the middle of the load. Restored into a new data dir, its log verifies, and every command
acknowledged before the backup started is there (the referral by id, the person readable,
so her key came with the log), read through a ``hub serve`` on the restored dir with the
tokens of the restored access store.
"""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.integration.api.conftest import id_number
from tests.integration.resilience.serve import HUB, HubServer, hub_env, seed

CLIENTS = 6


def hub(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HUB, *args], env=env, capture_output=True, text=True, timeout=120)


def test_a_backup_taken_under_load_restores_every_acknowledged_command(tmp_path: Path) -> None:
    server = HubServer(hub_env(tmp_path / "hub"))
    server.start()
    acknowledged: list[tuple[float, str, str, str]] = []  # (when, kind, id, name)
    lock = threading.Lock()
    stop = threading.Event()
    try:
        admin = server.cli("token", "issue", "--role", "admin")
        with httpx.Client(base_url=server.base, timeout=30) as http:
            ids, token, _ = seed(http.post, admin)

        def client() -> None:
            with httpx.Client(base_url=server.base, timeout=30) as own:
                while not stop.is_set():
                    name = f"备份{uuid.uuid4().hex[:8]}"
                    answer = own.post(
                        "/persons",
                        json={"id_number": id_number(), "name": name},
                        headers={
                            "Authorization": f"Bearer {token}",
                            "Idempotency-Key": uuid.uuid4().hex,
                        },
                    )
                    if answer.status_code != 201:
                        continue
                    person = answer.json()["id"]
                    with lock:
                        acknowledged.append((time.monotonic(), "person", person, name))
                    consent = {
                        "to_agencies": [ids["ca"]],
                        "services": ["temporary-aid"],
                        "evidence": "written",
                        "on_behalf_of": "承办人",
                    }
                    headers = {
                        "Authorization": f"Bearer {token}",
                        "Idempotency-Key": uuid.uuid4().hex,
                    }
                    own.post(f"/persons/{person}/consent", json=consent, headers=headers)
                    body = {
                        "recipient_id": ids["ca"],
                        "person_id": person,
                        "reason": "备份期间转介",
                        "services": ["temporary-aid"],
                        "on_behalf_of": "承办人",
                    }
                    headers["Idempotency-Key"] = uuid.uuid4().hex
                    answer = own.post("/referrals", json=body, headers=headers)
                    if answer.status_code == 201:
                        with lock:
                            acknowledged.append(
                                (time.monotonic(), "referral", answer.json()["id"], "")
                            )

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        started = time.monotonic()
        taken = hub(server.env, "backup", "create", str(tmp_path / "backup"))
        finished = time.monotonic()
        time.sleep(1.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert taken.returncode == 0, taken.stderr
    finally:
        stop.set()
        server.stop()

    before = [a for a in acknowledged if a[0] < started]
    after = [a for a in acknowledged if a[0] > finished]
    assert before and after, "the backup was not taken under load"

    verified = hub(server.env, "backup", "verify", str(tmp_path / "backup"))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    restored_dir = tmp_path / "restored"
    env = hub_env(restored_dir)
    restored = hub(
        env, "backup", "restore", str(tmp_path / "backup"), "--data-dir", str(restored_dir)
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    audit = hub(env, "audit", "verify", "--data-dir", str(restored_dir))
    assert audit.returncode == 0, audit.stdout + audit.stderr

    again = HubServer(env)
    again.start()
    try:
        with httpx.Client(base_url=again.base, timeout=30) as http:
            headers = {"Authorization": f"Bearer {token}"}
            missing: list[Any] = []
            for _, kind, thing, name in before:
                answer = http.get(f"/{kind}s/{thing}", headers=headers)
                if answer.status_code != 200 or (name and answer.json()["name"] != name):
                    missing.append((kind, thing, answer.status_code))
            assert missing == []
            newest = after[-1]
            assert http.get(f"/{newest[1]}s/{newest[2]}", headers=headers).status_code == 404
    finally:
        again.stop()


def test_restore_refuses_a_non_empty_dir_and_secrets_can_be_kept_apart(tmp_path: Path) -> None:
    data = tmp_path / "hub"
    env = hub_env(data)
    issued = hub(env, "token", "issue", "--role", "admin", "--data-dir", str(data))
    assert issued.returncode == 0, issued.stderr
    backup = tmp_path / "backup"
    taken = hub(env, "backup", "create", str(backup), "--no-secrets")
    assert taken.returncode == 0, taken.stderr
    assert not (backup / "secrets").exists()
    # without the keys kept apart, the backup cannot be read; with them it verifies
    refused = hub(env, "backup", "verify", str(backup))
    assert refused.returncode == 1 and "HUB_" in refused.stderr, refused.stderr
    keys = {
        f"HUB_{name.upper()}": (data / "secrets" / name).read_text().strip()
        for name in ("person_key", "cipher_key", "master_key")
    }
    assert hub({**env, **keys}, "backup", "verify", str(backup)).returncode == 0
    # a data dir that holds something is not overwritten without --force
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "hub.sqlite").write_bytes(b"someone's log")
    args = ("backup", "restore", str(backup), "--data-dir", str(target))
    refused = hub({**env, **keys}, *args)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert (target / "hub.sqlite").read_bytes() == b"someone's log"
    assert hub({**env, **keys}, *args, "--force").returncode == 0
    assert (target / "hub.sqlite").read_bytes().startswith(b"SQLite format 3")
