"""The key store: one data key per person, wrapped by the master key, kept outside the log.

Erasing a person destroys their data key (crypto-shredding): every copy of the log keeps the
person's events, but nobody can read their personal fields again. The store is SQLite by
default (``HUB_KEYS_URL`` may name a ``postgresql://`` database), never the event log.
"""

from __future__ import annotations

import os
import time
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

from hub.smalldb import SmallDB

SCHEMA = """CREATE TABLE IF NOT EXISTS hub_person_keys (
    person_id TEXT PRIMARY KEY, wrapped BYTEA, created REAL NOT NULL,
    erased REAL, legal_basis TEXT, erased_by TEXT)"""

CACHE_SECONDS = 30.0


class PersonErased(Exception):
    """The person's data key was destroyed; their personal data cannot be written or read."""


class KeyStore:
    def __init__(self, location: str, master_key: bytes) -> None:
        if len(master_key) != 32:
            raise ValueError("the master key must be 32 bytes")
        self._master = master_key
        self._db = SmallDB(location)
        self._cache: dict[str, tuple[float, bytes | None]] = {}
        self._run(SCHEMA)

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._db.run(sql, params)

    def close(self) -> None:
        self._db.close()

    def data_key(self, person_id: UUID | str, *, create: bool = False) -> bytes | None:
        """The person's data key; ``None`` once erased. Created on first use if asked."""
        pid = str(person_id)
        cached = self._cache.get(pid)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        rows = self._run("SELECT wrapped, erased FROM hub_person_keys WHERE person_id = ?", (pid,))
        if rows:
            wrapped, erased = rows[0]
            key = None if erased else aes_key_unwrap(self._master, bytes(wrapped))
        elif create:
            key = os.urandom(32)
            self._run(
                "INSERT INTO hub_person_keys (person_id, wrapped, created) VALUES (?, ?, ?) "
                "ON CONFLICT (person_id) DO NOTHING",
                (pid, aes_key_wrap(self._master, key), time.time()),
            )
            self._cache.pop(pid, None)
            return self.data_key(pid)
        else:
            raise PersonErased(f"no data key for person {pid}")
        self._cache[pid] = (time.monotonic() + CACHE_SECONDS, key)
        return key

    def erase(self, person_id: UUID | str, legal_basis: str, erased_by: str) -> None:
        """Destroys the data key for good (the row stays, to record when and why)."""
        pid = str(person_id)
        self._run(
            "UPDATE hub_person_keys SET wrapped = NULL, erased = ?, legal_basis = ?, "
            "erased_by = ? WHERE person_id = ?",
            (time.time(), legal_basis, erased_by, pid),
        )
        self._cache[pid] = (time.monotonic() + CACHE_SECONDS, None)

    def is_erased(self, person_id: UUID | str) -> bool:
        rows = self._run(
            "SELECT erased FROM hub_person_keys WHERE person_id = ?", (str(person_id),)
        )
        return bool(rows and rows[0][0])
