"""The access store under concurrency, on SQLite and PostgreSQL: group-committed answers."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from hub.access.tokens import AccessStore, IdempotencyConflict, IdempotencyKeyReused


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path, postgres_dsn: str) -> AccessStore:
    if request.param == "sqlite":
        return AccessStore(str(tmp_path / "access.sqlite"))
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS hub_idempotency")
        conn.execute("DROP TABLE IF EXISTS hub_tokens")
    return AccessStore(postgres_dsn)


def test_concurrent_commands_finish_without_deadlock_and_keep_every_answer(
    store: AccessStore,
) -> None:
    keys = [uuid.uuid4().hex for _ in range(400)]

    def command(key: str) -> None:
        assert store.begin("agency", key, key.encode()) is None
        store.finish("agency", key, 201, key.encode())

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(command, keys, timeout=60))
    for key in keys:
        assert store.begin("agency", key, key.encode()) == (201, key.encode())
    store.close()


def test_a_running_claim_and_a_reused_key_are_told_apart(store: AccessStore) -> None:
    assert store.begin("a", "k", b"one") is None
    with pytest.raises(IdempotencyConflict) as running:
        store.begin("a", "k", b"one")
    assert not isinstance(running.value, IdempotencyKeyReused)
    with pytest.raises(IdempotencyKeyReused):
        store.begin("a", "k", b"two")
    store.finish("a", "k", 200, b"answer")
    assert store.begin("a", "k", b"one") == (200, b"answer")
    with pytest.raises(IdempotencyKeyReused):
        store.begin("a", "k", b"two")
    assert store.begin("b", "k", b"two") is None  # keys are per scope
    store.release("b", "k")
    assert store.begin("b", "k", b"two") is None  # a released claim is free again
    store.close()
