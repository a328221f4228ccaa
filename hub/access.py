"""Who may call the hub, and what each POST already answered: tokens and idempotency records.

Tokens are random and stored only as their SHA-256; the clear token is shown once, when
issued. A process remembers a token's principal for ``TOKEN_CACHE_SECONDS``, so a revoked
token stops working in other processes within that time. Idempotency records keep the first answer to a POST for its key, so a retry gets the
same answer and appends nothing. Both live in SQLite by default (``HUB_ACCESS_URL`` may name
a ``postgresql://`` database instead), never in the event log.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import psycopg


class Role(StrEnum):
    STAFF = "staff"  # an agency's staff: reads and changes what the agency is party to
    CONNECTOR = "connector"  # an agency's connector: like staff, for machines
    AUDITOR = "auditor"  # reads everything, changes nothing
    ADMIN = "admin"  # registers agencies and mechanisms, issues tokens, operates


@dataclass(frozen=True)
class Principal:
    token_id: str
    role: Role
    agency_id: UUID | None
    label: str

    @property
    def acts_for_agency(self) -> bool:
        return self.role in (Role.STAFF, Role.CONNECTOR)


TOKEN_CACHE_SECONDS = 30.0


class IdempotencyConflict(Exception):
    """The key's first request is still running (retry later)."""

    rule = "idempotency-conflict"


class IdempotencyKeyReused(IdempotencyConflict):
    """The key was used for a different request (do not retry)."""

    rule = "idempotency-key-reused"


SCHEMA = [
    """CREATE TABLE IF NOT EXISTS hub_tokens (
        token_hash TEXT PRIMARY KEY, token_id TEXT NOT NULL, role TEXT NOT NULL,
        agency_id TEXT, label TEXT NOT NULL, created REAL NOT NULL, revoked INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS hub_idempotency (
        scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
        status INTEGER, body BYTEA, created REAL NOT NULL, PRIMARY KEY (scope, key))""",
]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccessStore:
    """Tokens and idempotency records on SQLite (a path) or PostgreSQL (a URL)."""

    def __init__(self, location: str) -> None:
        self._pg = location.startswith(("postgresql://", "postgres://"))
        self._location = location
        self._lock = threading.Lock()
        self._claims_lock = threading.Lock()
        self._claims: dict[tuple[str, str], str] = {}
        self._principals: dict[str, tuple[float, Principal | None]] = {}
        self._conn: Any
        if self._pg:
            self._conn = psycopg.connect(location, autocommit=True)
        else:
            Path(location).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(location, check_same_thread=False, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
        for statement in SCHEMA:
            self._run(statement)

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self._pg:
            sql = sql.replace("?", "%s")
        else:
            sql = sql.replace("BYTEA", "BLOB")
        with self._lock:
            cursor = self._conn.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []

    def close(self) -> None:
        self._conn.close()

    # Tokens

    def issue(self, role: Role, agency_id: UUID | None, label: str) -> str:
        """Issues a new token and returns it in clear, once."""
        if (role in (Role.STAFF, Role.CONNECTOR)) != (agency_id is not None):
            raise ValueError("staff and connector tokens belong to an agency; others do not")
        token = "hub_" + secrets.token_urlsafe(32)
        self._run(
            "INSERT INTO hub_tokens VALUES (?, ?, ?, ?, ?, ?, 0)",
            (
                _hash(token),
                secrets.token_hex(8),
                role.value,
                str(agency_id) if agency_id else None,
                label,
                time.time(),
            ),
        )
        return token

    def cached(self, token: str) -> Principal | bool | None:
        """The principal known for ``token`` in the last ``TOKEN_CACHE_SECONDS``: a
        principal, ``None`` (known invalid), or ``False`` (not cached: authenticate)."""
        hit = self._principals.get(_hash(token))
        if hit is None or hit[0] < time.monotonic():
            return False
        return hit[1]

    def authenticate(self, token: str) -> Principal | None:
        digest = _hash(token)
        principal = self._authenticate(digest)
        self._principals[digest] = (time.monotonic() + TOKEN_CACHE_SECONDS, principal)
        return principal

    def _authenticate(self, digest: str) -> Principal | None:
        rows = self._run(
            "SELECT token_id, role, agency_id, label FROM hub_tokens "
            "WHERE token_hash = ? AND revoked = 0",
            (digest,),
        )
        if not rows:
            return None
        token_id, role, agency_id, label = rows[0]
        return Principal(token_id, Role(role), UUID(agency_id) if agency_id else None, label)

    def revoke(self, token_id: str) -> bool:
        """Revokes a token: at once in this process, within ``TOKEN_CACHE_SECONDS`` in others."""
        self._principals.clear()
        self._run("UPDATE hub_tokens SET revoked = 1 WHERE token_id = ?", (token_id,))
        return bool(self._run("SELECT 1 FROM hub_tokens WHERE token_id = ?", (token_id,)))

    # Idempotency

    def begin(self, scope: str, key: str, request: bytes) -> tuple[int, bytes] | None:
        """Claims ``key``; or returns the first answer (status, body) if it has one.

        A claim lives in this process only (the hub is one process per log): it dies with
        the process, so a retry after a crash runs again rather than waiting for ever.
        Only the answer is written durably, once.
        """
        digest = hashlib.sha256(request).hexdigest()
        with self._claims_lock:
            claimed = self._claims.get((scope, key))
            if claimed is not None:
                if claimed != digest:
                    raise IdempotencyKeyReused(
                        "the Idempotency-Key was used for a different request"
                    )
                raise IdempotencyConflict("the first request with this Idempotency-Key is running")
            rows = self._run(
                "SELECT request_hash, status, body FROM hub_idempotency "
                "WHERE scope = ? AND key = ?",
                (scope, key),
            )
            if not rows:
                self._claims[(scope, key)] = digest
                return None
        request_hash, status, body = rows[0]
        if request_hash != digest:
            raise IdempotencyKeyReused("the Idempotency-Key was used for a different request")
        return int(status), bytes(body)

    def finish(self, scope: str, key: str, status: int, body: bytes) -> None:
        """Keeps the first answer for good and lets the claim go."""
        with self._claims_lock:
            digest = self._claims.pop((scope, key))
        self._run(
            "INSERT INTO hub_idempotency VALUES (?, ?, ?, ?, ?, ?)",
            (scope, key, digest, status, body, time.time()),
        )

    def release(self, scope: str, key: str) -> None:
        """Forgets a claim whose request failed without an answer worth repeating (5xx)."""
        with self._claims_lock:
            self._claims.pop((scope, key), None)


def dumps(value: Any) -> bytes:
    return orjson.dumps(value)
