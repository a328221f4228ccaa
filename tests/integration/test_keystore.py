"""The per-person key store on SQLite and PostgreSQL: keys wrapped, erasure for good."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

from hub.vault.keystore import SPARE_KEYS, KeyStore, PersonErased


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


def test_new_persons_get_keys_made_ahead_and_on_disk_first(location: str) -> None:
    master = os.urandom(32)
    store = KeyStore(location, master)
    person = uuid.uuid4()
    key_id, key = store.person_key(person, create=True)
    assert key_id is not None and key is not None
    # Every key made ahead is on disk, wrapped, before any is handed out.
    other = KeyStore(location, master)
    spares = other._run(
        "SELECT person_id, wrapped FROM hub_person_keys WHERE person_id LIKE ?", ("key:%",)
    )
    assert len(spares) == SPARE_KEYS
    assert all(key not in bytes(w) for _, w in spares)
    assert other.key_by_id(key_id) == key and other.person_key(person) == (key_id, key)
    # A second person gets another key; neither is handed out again by a new process.
    second_id, second = store.person_key(uuid.uuid4(), create=True)
    assert second_id != key_id and second != key
    third_id, _ = other.person_key(uuid.uuid4(), create=True)
    assert third_id not in (key_id, second_id)
    # Erasing the person destroys the key made ahead too.
    other.erase(person, "《个人信息保护法》第四十七条", "管理员")
    store.close()
    fresh = KeyStore(location, master)
    assert fresh.data_key(person) is None and fresh.key_by_id(key_id) is None
    assert fresh.key_by_id(second_id) == second
    other.close()
    fresh.close()


def test_a_key_whose_person_row_was_lost_is_erased_by_its_id(location: str) -> None:
    master = os.urandom(32)
    store = KeyStore(location, master)
    person = uuid.uuid4()
    key_id, _ = store.person_key(person, create=True)
    assert key_id is not None
    store._run("DELETE FROM hub_person_keys WHERE person_id = ?", (str(person),))
    store.close()
    again = KeyStore(location, master)
    again.erase(person, "《个人信息保护法》第四十七条", "管理员", key_ids=[key_id])
    assert again.key_by_id(key_id) is None and again.is_erased(person)
    # No new key is made for them: nothing personal can be written for them again.
    assert again.person_key(person, create=True)[1] is None
    again.close()


def test_a_store_made_before_keys_made_ahead_gains_their_column(location: str) -> None:
    master = os.urandom(32)
    person = uuid.uuid4()
    old = KeyStore(location, master)
    old._run("DROP TABLE hub_person_keys")
    old._run(
        "CREATE TABLE hub_person_keys (person_id TEXT PRIMARY KEY, wrapped BYTEA, "
        "created REAL NOT NULL, erased REAL, legal_basis TEXT, erased_by TEXT)"
    )
    old._run(
        "INSERT INTO hub_person_keys (person_id, wrapped, created) VALUES (?, ?, 0)",
        (str(person), aes_key_wrap(master, b"k" * 32)),
    )
    old.close()
    store = KeyStore(location, master)
    assert store.person_key(person) == (None, b"k" * 32)
    assert store.person_key(uuid.uuid4(), create=True)[0] is not None
    store.close()
