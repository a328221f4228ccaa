"""The per-person key store on SQLite and PostgreSQL: keys wrapped, erasure for good."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import psycopg
import pytest

from hub.vault.keystore import KeyStore, PersonErased


@pytest.fixture(params=["sqlite", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path, postgres_dsn: str) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "keys.sqlite")
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS hub_person_keys")
    return postgres_dsn


def test_keys_are_wrapped_stable_and_destroyed_on_erasure(location: str) -> None:
    master = os.urandom(32)
    store = KeyStore(location, master)
    person = uuid.uuid4()
    with pytest.raises(PersonErased):
        store.data_key(person)  # none yet, and not asked to create one
    key = store.data_key(person, create=True)
    assert key is not None and len(key) == 32
    assert store.data_key(person, create=True) == key  # created once
    store.close()
    again = KeyStore(location, master)  # a new process: read and unwrapped from the store
    assert again.data_key(person) == key
    rows = again._run("SELECT wrapped FROM hub_person_keys WHERE person_id = ?", (str(person),))
    assert key not in bytes(rows[0][0])  # kept only wrapped by the master key
    again.erase(person, "《个人信息保护法》第四十七条", "管理员")
    assert again.data_key(person) is None and again.is_erased(person)
    again.close()
    fresh = KeyStore(location, master)
    assert fresh.data_key(person) is None and fresh.is_erased(person)
    fresh.close()
