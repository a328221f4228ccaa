"""Short-lived session tokens of signed-in officials; sign-out revokes them.

A session token is random, shown once (at sign-in) and stored only as its SHA-256, in the
access store's database beside the machine tokens. It lasts ``HUB_SESSION_MINUTES``; a
disabled official's sessions are all revoked.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from uuid import UUID

from hub.smalldb import SmallDB

PREFIX = "hs_"

SCHEMA = """CREATE TABLE IF NOT EXISTS hub_sessions (
    token_hash TEXT PRIMARY KEY, session_id TEXT NOT NULL, user_id TEXT NOT NULL,
    created REAL NOT NULL, expires REAL NOT NULL, revoked INTEGER NOT NULL)"""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    session_id: str
    user_id: UUID
    expires: float


@dataclass(frozen=True)
class NewSession:
    token: str
    session: Session


class Sessions:
    def __init__(self, db: SmallDB) -> None:
        self._db = db
        self._db.run(SCHEMA)

    def start(self, user_id: UUID, lifetime_seconds: float) -> NewSession:
        token = PREFIX + secrets.token_urlsafe(32)
        now = time.time()
        session = Session(secrets.token_hex(8), user_id, now + lifetime_seconds)
        self._db.run(
            "INSERT INTO hub_sessions VALUES (?, ?, ?, ?, ?, 0)",
            (digest(token), session.session_id, str(user_id), now, session.expires),
        )
        return NewSession(token, session)

    def find(self, token: str) -> Session | None:
        """The session of ``token`` if it is neither expired nor revoked."""
        rows = self._db.run(
            "SELECT session_id, user_id, expires FROM hub_sessions "
            "WHERE token_hash = ? AND revoked = 0",
            (digest(token),),
        )
        if not rows or float(rows[0][2]) <= time.time():
            return None
        session_id, user_id, expires = rows[0]
        return Session(session_id, UUID(user_id), float(expires))

    def end(self, session_id: str) -> None:
        self._db.run("UPDATE hub_sessions SET revoked = 1 WHERE session_id = ?", (session_id,))

    def end_all(self, user_id: UUID) -> None:
        self._db.run("UPDATE hub_sessions SET revoked = 1 WHERE user_id = ?", (str(user_id),))
