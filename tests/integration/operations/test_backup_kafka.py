"""Backup and restore on the production shape: the Kafka log, keys and access in PostgreSQL.

As docs/operations.md says: the topic is the record (kept by the brokers, not by this test);
the key store and the access store (tokens, officials' passwords and sessions, idempotency
records, the reads not yet in the log) are dumped with ``pg_dump`` while a real ``hub serve``
on the real Tansu broker takes writes, after noting the log's end; the views and a process's
replica are not backed up. Then everything local is lost: the replica file is deleted, the
PostgreSQL databases dropped. Restored: the dump into new databases with ``psql``, the replica
rebuilt from the topic (``hub log rebuild``), ``hub audit verify`` passes, the views rebuilt
(``hub projections rebuild``), and every command acknowledged before the dump began is there,
read with the restored tokens and an official's restored session.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.integration.api.conftest import id_number
from tests.integration.resilience.serve import HUB, HubServer, hub_env, seed

pytestmark = pytest.mark.kafka

CLIENTS = 4
PASSWORD = "correct horse battery staple"
#: the key store's table and the access store's, as docs/operations.md lists them
TABLES = (
    "hub_person_keys",
    "hub_tokens",
    "hub_token_terms",
    "hub_idempotency",
    "hub_credentials",
    "hub_sessions",
    "hub_pending_reads",
)


def hub(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HUB, *args], env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture
def databases(postgres_dsn: str) -> Iterator[Any]:
    """Makes fresh PostgreSQL databases (``make(tag)`` → URL); drops them all at the end."""
    made: list[str] = []

    def admin(sql: str) -> None:
        with psycopg.connect(postgres_dsn, autocommit=True) as conn:
            conn.execute(sql)

    def make(tag: str) -> str:
        name = f"hub_backup_{tag}_{uuid.uuid4().hex[:8]}"
        admin(f'CREATE DATABASE "{name}"')
        made.append(name)
        return postgres_dsn.rsplit("/", 1)[0] + "/" + name

    def drop(url: str) -> None:
        name = url.rsplit("/", 1)[1]
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    make.drop = drop  # type: ignore[attr-defined]
    yield make
    for name in made:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def kafka_env(data_dir: Path, bootstrap: str, topic: str, store: str, views: str) -> dict[str, str]:
    return hub_env(
        data_dir,
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        HUB_LOG_TOPIC=topic,
        HUB_REPLICA_PATH=str(data_dir / "replica.sqlite"),
        HUB_KEYS_URL=store,
        HUB_ACCESS_URL=store,
        HUB_VIEWS_URL=views,
        HUB_ACCESS_LOG_FLUSH_SECONDS="0.2",
    )


def test_keys_and_access_dumped_under_load_restore_with_a_rebuilt_replica(
    kafka_bootstrap: str, databases: Any, tmp_path: Path
) -> None:
    topic = f"backup-{uuid.uuid4().hex[:8]}.events"
    store, views = databases("store"), databases("views")
    env = kafka_env(tmp_path / "hub", kafka_bootstrap, topic, store, views)
    server = HubServer(env)
    server.start(timeout=60)
    acknowledged: list[tuple[float, str, str, str]] = []  # (when, kind, id, name)
    lock = threading.Lock()
    stop = threading.Event()
    dump = tmp_path / "keys-and-access.sql"
    try:
        admin = server.cli("token", "issue", "--role", "admin")
        with httpx.Client(base_url=server.base, timeout=30) as http:
            ids, token, _ = seed(http.post, admin)
            official = {
                "agency_id": ids["p"],
                "name": "备份承办检察官",
                "staff_number": "backup-1",
                "roles": ["case_officer"],
                "password": PASSWORD,
            }
            headers = {"Authorization": f"Bearer {admin}", "Idempotency-Key": uuid.uuid4().hex}
            assert http.post("/users", json=official, headers=headers).status_code == 201
            signed = http.post(
                "/auth/sign-in",
                json={"agency": ids["p"], "staff_number": "backup-1", "password": PASSWORD},
            )
            assert signed.status_code == 200, signed.text
            session = signed.json()["token"]

        def client() -> None:
            with httpx.Client(base_url=server.base, timeout=30) as own:
                while not stop.is_set():
                    name = f"备份{uuid.uuid4().hex[:8]}"
                    keyed = {"Authorization": f"Bearer {token}", "Idempotency-Key": ""}
                    keyed["Idempotency-Key"] = uuid.uuid4().hex
                    answer = own.post(
                        "/persons", json={"id_number": id_number(), "name": name}, headers=keyed
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
                    }
                    keyed["Idempotency-Key"] = uuid.uuid4().hex
                    own.post(f"/persons/{person}/consent", json=consent, headers=keyed)
                    body = {
                        "recipient_id": ids["ca"],
                        "person_id": person,
                        "reason": "备份期间转介",
                        "services": ["temporary-aid"],
                    }
                    keyed["Idempotency-Key"] = uuid.uuid4().hex
                    answer = own.post("/referrals", json=body, headers=keyed)
                    if answer.status_code == 201:
                        with lock:
                            acknowledged.append(
                                (time.monotonic(), "referral", answer.json()["id"], "")
                            )

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(2.0)
        # the documented order: note the log's end, then dump (keys are written before events)
        started = time.monotonic()
        noted = httpx.get(
            f"{server.base}/health", headers={"Authorization": f"Bearer {admin}"}, timeout=10
        ).json()["log_position"]
        dumped = subprocess.run(
            [
                "pg_dump",
                *(f"--table={t}" for t in TABLES),
                "--file",
                str(dump),
                store,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        finished = time.monotonic()
        time.sleep(1.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert dumped.returncode == 0, dumped.stderr
    finally:
        stop.set()
        server.stop()

    before = [a for a in acknowledged if a[0] < started]
    after = [a for a in acknowledged if a[0] > finished]
    assert before and after, "the dump was not taken under load"
    assert noted > 0

    # everything local is lost: the replica and both databases; the secrets were kept apart
    (tmp_path / "hub" / "replica.sqlite").unlink()
    databases.drop(store)
    databases.drop(views)

    restored_dir = tmp_path / "restored"
    shutil.copytree(tmp_path / "hub" / "secrets", restored_dir / "secrets")
    new_store, new_views = databases("store2"), databases("views2")
    env = kafka_env(restored_dir, kafka_bootstrap, topic, new_store, new_views)
    loaded = subprocess.run(
        ["psql", "--quiet", "--set", "ON_ERROR_STOP=1", "--file", str(dump), new_store],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr

    rebuilt = hub(env, "log", "rebuild", "--lang", "en")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert (restored_dir / "replica.sqlite").exists()
    audit = hub(env, "audit", "verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    view = hub(env, "projections", "rebuild", "referrals")
    assert view.returncode == 0, view.stdout + view.stderr

    again = HubServer(env)
    again.start(timeout=60)
    try:
        with httpx.Client(base_url=again.base, timeout=30) as http:
            headers = {"Authorization": f"Bearer {token}"}
            missing: list[Any] = []
            for _, kind, thing, name in before:
                answer = http.get(f"/{kind}s/{thing}", headers=headers)
                if answer.status_code != 200 or (name and answer.json()["name"] != name):
                    missing.append((kind, thing, answer.status_code))
            assert missing == []
            me = http.get("/auth/me", headers={"Authorization": f"Bearer {session}"})
            assert me.status_code == 200 and me.json()["name"] == "备份承办检察官"
            listed: set[str] = set()
            page: dict[str, Any] = {"limit": 200}
            while True:
                box = http.get(f"/agencies/{ids['p']}/outbox", params=page, headers=headers)
                assert box.status_code == 200, box.text
                listed |= {item["id"] for item in box.json()["items"]}
                if not box.json()["next_cursor"]:
                    break
                page["cursor"] = box.json()["next_cursor"]
            referred = {thing for _, kind, thing, _ in before if kind == "referral"}
            assert referred <= listed
    finally:
        again.stop()
