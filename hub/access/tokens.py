"""Who may call the hub, and what each POST already answered: tokens and idempotency records.

Tokens are random and stored only as their SHA-256; the clear token is shown once, when
issued. A token may expire, and may be rotated: its successor is issued and the old one stays
valid for an overlap, so two are valid at once while a connector switches. Agency tokens are
machine tokens (connectors); an admin token with no agency is the break-glass operator's token
for first start. Auditors are officials and sign in as themselves (:mod:`hub.identity`): no
token is issued for the auditor role. A process remembers a token's principal for ``TOKEN_CACHE_SECONDS``, so a revoked
token stops working in other processes within that time. Idempotency records keep the first answer to a POST for its key, so a retry gets the
same answer and appends nothing. Both live in SQLite by default (``HUB_ACCESS_URL`` may name
a ``postgresql://`` database instead), never in the event log.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from hub.access.principal import Principal, PrincipalKind, Role
from hub.smalldb import SmallDB

__all__ = [
    "AUDITOR_IS_A_USER",
    "AccessStore",
    "AuditorIsAUser",
    "Principal",
    "PrincipalKind",
    "Role",
]


TOKEN_CACHE_SECONDS = 30.0


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued: its id (to revoke or rotate it) and, once, the token itself."""

    token_id: str
    token: str
    role: Role
    agency_id: UUID | None
    label: str
    expires: float | None


@dataclass
class _Pending:
    """An answer waiting for the next group commit."""

    row: tuple[Any, ...]
    written: bool = False
    failed: BaseException | None = None


class AuditorIsAUser(ValueError):
    """An auditor is an official who signs in, never a bare token."""


AUDITOR_IS_A_USER = (
    "auditors are officials, not bare tokens: add one with "
    "`hub user add AGENCY STAFF_NUMBER --name NAME --role auditor` (or POST /users) and sign in"
)


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
    # a token's expiry (none: until revoked) and, once rotated, the token that replaced it
    """CREATE TABLE IF NOT EXISTS hub_token_terms (
        token_id TEXT PRIMARY KEY, expires REAL, replaced_by TEXT)""",
]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccessStore:
    """Tokens and idempotency records on SQLite (a path) or PostgreSQL (a URL)."""

    def __init__(self, location: str) -> None:
        self._db = SmallDB(location)
        self._lock = self._db.lock
        self._claims_lock = threading.Lock()
        self._claims: dict[tuple[str, str], str] = {}
        self._pending: list[_Pending] = []
        self._principals: dict[str, tuple[float, Principal | None]] = {}
        for statement in SCHEMA:
            self._run(statement)

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self._db.run(sql, params)

    def close(self) -> None:
        self._db.close()

    # Tokens

    @property
    def db(self) -> SmallDB:
        """The store's database, shared with the sign-in tables (:mod:`hub.identity`)."""
        return self._db

    def issue(self, role: Role, agency_id: UUID | None, label: str) -> str:
        """Issues a new token and returns it in clear, once."""
        return self.issue_token(role, agency_id, label).token

    def issue_token(
        self,
        role: Role,
        agency_id: UUID | None,
        label: str,
        *,
        expires_in: float | None = None,
    ) -> IssuedToken:
        """Issues a token (valid for ``expires_in`` seconds, or until revoked); the clear
        token is in the answer only."""
        if role == Role.AUDITOR:
            raise AuditorIsAUser(AUDITOR_IS_A_USER)
        if (role in (Role.STAFF, Role.CONNECTOR)) != (agency_id is not None):
            raise ValueError("staff and connector tokens belong to an agency; others do not")
        if expires_in is not None and expires_in <= 0:
            raise ValueError("a token's lifetime is positive")
        token = "hub_" + secrets.token_urlsafe(32)
        token_id = secrets.token_hex(8)
        now = time.time()
        expires = None if expires_in is None else now + expires_in
        with self._lock, self._db.transaction() as tx:
            tx.executemany(
                "INSERT INTO hub_tokens VALUES (?, ?, ?, ?, ?, ?, 0)",
                [(_hash(token), token_id, role.value, _text(agency_id), label, now)],
            )
            tx.executemany("INSERT INTO hub_token_terms VALUES (?, ?, NULL)", [(token_id, expires)])
        return IssuedToken(token_id, token, role, agency_id, label, expires)

    def rotate(
        self, token_id: str, *, overlap: float, expires_in: float | None = None
    ) -> IssuedToken:
        """Issues the token's successor (same role, agency and label); the old one stays valid
        for ``overlap`` more seconds (or less, if it expires sooner), so a connector can switch
        without a gap. Raises ``KeyError`` for an unknown or revoked token."""
        rows = self._run(
            "SELECT t.role, t.agency_id, t.label, x.expires FROM hub_tokens t "
            "LEFT JOIN hub_token_terms x ON x.token_id = t.token_id "
            "WHERE t.token_id = ? AND t.revoked = 0",
            (token_id,),
        )
        if not rows:
            raise KeyError(token_id)
        role, agency_id, label, expires = rows[0]
        successor = self.issue_token(
            Role(role), UUID(agency_id) if agency_id else None, label, expires_in=expires_in
        )
        until = time.time() + max(overlap, 0.0)
        if expires is not None:
            until = min(until, float(expires))
        self._principals.clear()
        with self._lock, self._db.transaction() as tx:
            tx.executemany("DELETE FROM hub_token_terms WHERE token_id = ?", [(token_id,)])
            tx.executemany(
                "INSERT INTO hub_token_terms VALUES (?, ?, ?)",
                [(token_id, until, successor.token_id)],
            )
        return successor

    def list_tokens(self, agency_id: UUID | None = None) -> list[dict[str, Any]]:
        """Every token's id, role, agency, label, expiry and state (never the token)."""
        rows = self._run(
            "SELECT t.token_id, t.role, t.agency_id, t.label, t.created, t.revoked, x.expires, "
            "x.replaced_by FROM hub_tokens t LEFT JOIN hub_token_terms x "
            "ON x.token_id = t.token_id ORDER BY t.created"
        )
        now = time.time()
        return [
            {
                "token_id": token_id,
                "role": role,
                "agency_id": agency,
                "label": label,
                "created": created,
                "expires": expires,
                "replaced_by": replaced_by,
                "valid": not revoked and (expires is None or expires > now),
            }
            for token_id, role, agency, label, created, revoked, expires, replaced_by in rows
            if agency_id is None or agency == str(agency_id)
        ]

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
            "SELECT t.token_id, t.role, t.agency_id, t.label, x.expires FROM hub_tokens t "
            "LEFT JOIN hub_token_terms x ON x.token_id = t.token_id "
            "WHERE t.token_hash = ? AND t.revoked = 0",
            (digest,),
        )
        if not rows:
            return None
        token_id, role, agency_id, label, expires = rows[0]
        if expires is not None and float(expires) <= time.time():
            return None
        access = Role(role)
        kind = PrincipalKind.CONNECTOR if agency_id else PrincipalKind.BREAK_GLASS
        return Principal(token_id, access, UUID(agency_id) if agency_id else None, label, kind)

    def forget_cached(self) -> None:
        """Forgets every cached principal in this process (after a revocation)."""
        self._principals.clear()

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
        self._check_claim(scope, key, digest)
        first = self._first_answer(scope, key, digest)
        if first is not None:
            return first
        with self._claims_lock:
            self._check_claim(scope, key, digest)
            self._claims[(scope, key)] = digest
        # A request with this key may have finished between the look-up and the claim.
        first = self._first_answer(scope, key, digest)
        if first is not None:
            self.release(scope, key)
        return first

    def _check_claim(self, scope: str, key: str, digest: str) -> None:
        claimed = self._claims.get((scope, key))
        if claimed is None:
            return
        if claimed != digest:
            raise IdempotencyKeyReused("the Idempotency-Key was used for a different request")
        raise IdempotencyConflict("the first request with this Idempotency-Key is running")

    def _first_answer(self, scope: str, key: str, digest: str) -> tuple[int, bytes] | None:
        rows = self._run(
            "SELECT request_hash, status, body FROM hub_idempotency WHERE scope = ? AND key = ?",
            (scope, key),
        )
        if not rows:
            return None
        request_hash, status, body = rows[0]
        if request_hash != digest:
            raise IdempotencyKeyReused("the Idempotency-Key was used for a different request")
        return int(status), bytes(body)

    def finish(self, scope: str, key: str, status: int, body: bytes) -> None:
        """Keeps the first answer for good, then lets the claim go.

        Answers finished at the same time are written in one transaction (group commit):
        whoever gets the store's lock writes every answer waiting, so concurrent requests
        share one durable commit instead of each paying its own.
        """
        digest = self._claims[(scope, key)]
        entry = _Pending((scope, key, digest, status, body, time.time()))
        with self._claims_lock:
            self._pending.append(entry)
        with self._lock:
            if not entry.written:
                with self._claims_lock:
                    batch, self._pending = self._pending, []
                try:
                    self._write_answers([e.row for e in batch])
                except BaseException as error:
                    for e in batch:
                        e.failed = error
                for e in batch:
                    e.written = True
        if entry.failed is not None:
            raise entry.failed
        with self._claims_lock:
            self._claims.pop((scope, key), None)

    def _write_answers(self, rows: list[tuple[Any, ...]]) -> None:
        with self._db.transaction() as tx:
            tx.executemany("INSERT INTO hub_idempotency VALUES (?, ?, ?, ?, ?, ?)", rows)

    def release(self, scope: str, key: str) -> None:
        """Forgets a claim whose request failed without an answer worth repeating (5xx)."""
        with self._claims_lock:
            self._claims.pop((scope, key), None)
