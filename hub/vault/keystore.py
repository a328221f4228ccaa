"""The key store: one data key per person, wrapped by the master key, kept outside the log.

Erasing a person destroys their data key (crypto-shredding): every copy of the log keeps the
person's events, but nobody can read their personal fields again. The store is SQLite by
default (``HUB_KEYS_URL`` may name a ``postgresql://`` database), never the event log.

Keys for new persons are made ahead, :data:`SPARE_KEYS` at a time in one synced transaction,
each in a row of its own (``person_id`` ``key:<key id>``), so that registering a person does
not wait for a synced write of its own. A person given a spare key gets a row that copies it
and names it (``key_id``); that row is written without waiting for the disk, because the
person's events name the key they were sealed under (see :mod:`hub.vault.mapper`): if a
crash loses the person's row, their key is still found, and erased, through their events.
A key is thus always on disk before any event sealed under it. Spares left unused when the
process ends are never handed out again (each process makes its own).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

from hub.smalldb import SmallDB

SCHEMA = """CREATE TABLE IF NOT EXISTS hub_person_keys (
    person_id TEXT PRIMARY KEY, wrapped BYTEA, created REAL NOT NULL,
    erased REAL, legal_basis TEXT, erased_by TEXT, key_id TEXT)"""

CACHE_SECONDS = 30.0
#: keys made ahead for new persons, in one synced transaction
SPARE_KEYS = 64
SPARE_PREFIX = "key:"


class PersonErased(Exception):
    """The person's data key was destroyed; their personal data cannot be written or read."""


class KeyStore:
    def __init__(self, location: str, master_key: bytes) -> None:
        if len(master_key) != 32:
            raise ValueError("the master key must be 32 bytes")
        self._master = master_key
        self._db = SmallDB(location)
        # person id or "key:<key id>" → (valid until, key id or None, key or None if erased)
        self._cache: dict[str, tuple[float, str | None, bytes | None]] = {}
        self._spares: list[tuple[str, bytes]] = []
        self._spares_lock = threading.Lock()
        self._run(SCHEMA)
        self._add_key_id_column()

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._db.run(sql, params)

    @property
    def is_remote(self) -> bool:
        """Whether a key not cached is a round trip to a database server (PostgreSQL)."""
        return self._db.is_postgres

    def _add_key_id_column(self) -> None:
        """Stores made before spare keys lack ``key_id``; it is added (empty) to them."""
        if self._db.is_postgres:
            self._run("ALTER TABLE hub_person_keys ADD COLUMN IF NOT EXISTS key_id TEXT")
            return
        columns = {row[1] for row in self._run("PRAGMA table_info(hub_person_keys)")}
        if "key_id" not in columns:
            self._run("ALTER TABLE hub_person_keys ADD COLUMN key_id TEXT")

    def close(self) -> None:
        self._db.close()

    def data_key(self, person_id: UUID | str, *, create: bool = False) -> bytes | None:
        """The person's data key; ``None`` once erased. Created on first use if asked."""
        return self.person_key(person_id, create=create)[1]

    def person_key(
        self, person_id: UUID | str, *, create: bool = False
    ) -> tuple[str | None, bytes | None]:
        """``(key id, key)`` of the person: the key id names a key made ahead (``None`` for a
        key made for the person alone); the key is ``None`` once erased. Created on first use
        if asked (from the spare keys)."""
        pid = str(person_id)
        found = self._lookup(pid)
        if found is not None:
            return found
        if not create:
            raise PersonErased(f"no data key for person {pid}")
        key_id, key = self._take_spare()
        self._db.run(
            "INSERT INTO hub_person_keys (person_id, wrapped, created, key_id) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (person_id) DO NOTHING",
            (pid, aes_key_wrap(self._master, key), time.time(), key_id),
            synced=False,  # the spare is on disk already, and the events name it
        )
        self._cache.pop(pid, None)
        found = self._lookup(pid)  # another thread may have given the person a key first
        assert found is not None
        return found

    def key_by_id(self, key_id: str) -> bytes | None:
        """A key made ahead, by its id; ``None`` once erased."""
        found = self._lookup(SPARE_PREFIX + key_id)
        if found is None:
            raise PersonErased(f"no data key {key_id}")
        return found[1]

    def _lookup(self, row_id: str) -> tuple[str | None, bytes | None] | None:
        cached = self._cache.get(row_id)
        if cached and cached[0] > time.monotonic():
            return cached[1], cached[2]
        rows = self._run(
            "SELECT wrapped, erased, key_id FROM hub_person_keys WHERE person_id = ?", (row_id,)
        )
        if not rows:
            return None
        wrapped, erased, key_id = rows[0]
        key = None if erased or wrapped is None else aes_key_unwrap(self._master, bytes(wrapped))
        self._cache[row_id] = (time.monotonic() + CACHE_SECONDS, key_id, key)
        return key_id, key

    def _take_spare(self) -> tuple[str, bytes]:
        """A key made ahead and on disk, never handed out before."""
        with self._spares_lock:
            if not self._spares:
                made = [(uuid.uuid4().hex, os.urandom(32)) for _ in range(SPARE_KEYS)]
                now = time.time()
                rows = [(SPARE_PREFIX + k, aes_key_wrap(self._master, key), now) for k, key in made]
                with self._db.lock, self._db.transaction() as tx:
                    tx.executemany(
                        "INSERT INTO hub_person_keys (person_id, wrapped, created) VALUES (?, ?, ?)",
                        rows,
                    )
                self._spares = made[::-1]
            return self._spares.pop()

    def erase(
        self,
        person_id: UUID | str,
        legal_basis: str,
        erased_by: str,
        key_ids: Iterable[str] = (),
    ) -> None:
        """Destroys the person's data key for good (the rows stay, to record when and why),
        with the keys named ``key_ids`` (those the person's events were sealed under)."""
        pid = str(person_id)
        rows = self._run("SELECT key_id FROM hub_person_keys WHERE person_id = ?", (pid,))
        named = set(key_ids) | {r[0] for r in rows if r[0]}
        now = time.time()
        with self._db.lock, self._db.transaction() as tx:
            # the person's row is written even if it was lost, so that no key is made anew
            tx.executemany(
                "INSERT INTO hub_person_keys (person_id, wrapped, created, erased, legal_basis, "
                "erased_by) VALUES (?, NULL, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET "
                "wrapped = NULL, erased = excluded.erased, legal_basis = excluded.legal_basis, "
                "erased_by = excluded.erased_by",
                [(pid, now, now, legal_basis, erased_by)],
            )
            tx.executemany(
                "UPDATE hub_person_keys SET wrapped = NULL, erased = ?, legal_basis = ?, "
                "erased_by = ? WHERE person_id = ?",
                [(now, legal_basis, erased_by, SPARE_PREFIX + k) for k in sorted(named)],
            )
        for row_id in [pid, *(SPARE_PREFIX + k for k in named)]:
            self._cache[row_id] = (time.monotonic() + CACHE_SECONDS, None, None)

    def is_erased(self, person_id: UUID | str) -> bool:
        rows = self._run(
            "SELECT erased FROM hub_person_keys WHERE person_id = ?", (str(person_id),)
        )
        return bool(rows and rows[0][0])
