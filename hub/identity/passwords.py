"""Local passwords and second factors of officials, and the back-off after failed sign-ins.

Passwords are hashed with argon2 through ``pwdlib`` (never by hand); a TOTP secret (``pyotp``)
may be enrolled as a second factor. New passwords are hashed at the cost ``HUB_PASSWORD_COST``
names (:data:`COSTS`); a hash carries its own parameters, so every hash verifies whatever the
setting is now. Both live in the access store's database, never in the
event log. After :data:`FREE_FAILURES` failed sign-ins in a row, each further failure locks
the account for twice as long as the one before (from :data:`FIRST_LOCK_SECONDS` up to
:data:`MAX_LOCK_SECONDS`); a successful sign-in clears the count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from uuid import UUID

import pyotp
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from domain.errors import InvalidValue
from domain.values import MAX_PASSWORD, MIN_PASSWORD
from hub.smalldb import SmallDB

FREE_FAILURES = 5
FIRST_LOCK_SECONDS = 30.0
MAX_LOCK_SECONDS = 3600.0

SCHEMA = """CREATE TABLE IF NOT EXISTS hub_credentials (
    user_id TEXT PRIMARY KEY, password_hash TEXT NOT NULL, totp_secret TEXT,
    failures INTEGER NOT NULL, locked_until REAL NOT NULL, updated REAL NOT NULL)"""

#: argon2id's parameters by ``HUB_PASSWORD_COST``: ``standard`` is pwdlib's recommended
#: (64 MiB, 3 passes, 4 lanes; about 0.25 s of CPU a hash); ``light`` (1 MiB, 1 pass, 1 lane;
#: under a millisecond) is for the test suite and demos that add many officials, and is
#: refused in production (:class:`hub.settings.Settings`)
COSTS: dict[str, Argon2Hasher] = {
    "standard": Argon2Hasher(),
    "light": Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),
}
_hashers = {cost: PasswordHash((hasher,)) for cost, hasher in COSTS.items()}
#: verified against when the user has no password, so unknown users take as long as known
#: ones (one per cost, made when first needed)
_decoys: dict[str, str] = {}


def _decoy(cost: str) -> str:
    if cost not in _decoys:
        _decoys[cost] = _hashers[cost].hash("decoy password, never matches")
    return _decoys[cost]


class SignInRefused(Exception):
    """Wrong user, password or code: one answer for all three, so none is revealed."""

    rule = "sign-in-refused"


class LockedOut(SignInRefused):
    """Too many failures: try again after ``retry_after`` seconds."""

    rule = "sign-in-locked"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after


def check_password_rules(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidValue(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


@dataclass(frozen=True)
class _Row:
    password_hash: str
    totp_secret: str | None
    failures: int
    locked_until: float


class Passwords:
    def __init__(self, db: SmallDB, cost: str = "standard") -> None:
        self._db = db
        self._cost = cost
        self._hasher = _hashers[cost]
        self._db.run(SCHEMA)

    def _row(self, user_id: UUID) -> _Row | None:
        rows = self._db.run(
            "SELECT password_hash, totp_secret, failures, locked_until FROM hub_credentials "
            "WHERE user_id = ?",
            (str(user_id),),
        )
        if not rows:
            return None
        password_hash, secret, failures, locked_until = rows[0]
        return _Row(password_hash, secret, int(failures), float(locked_until))

    def has_password(self, user_id: UUID) -> bool:
        return self._row(user_id) is not None

    def set_password(self, user_id: UUID, password: str) -> None:
        """Sets (or replaces) the password, clears failures; keeps an enrolled TOTP."""
        digest = self._hasher.hash(check_password_rules(password))
        now = time.time()
        if self._row(user_id) is None:
            self._db.run(
                "INSERT INTO hub_credentials VALUES (?, ?, NULL, 0, 0, ?)",
                (str(user_id), digest, now),
            )
        else:
            self._db.run(
                "UPDATE hub_credentials SET password_hash = ?, failures = 0, locked_until = 0, "
                "updated = ? WHERE user_id = ?",
                (digest, now, str(user_id)),
            )

    def enroll_totp(self, user_id: UUID) -> str:
        """Enrols a new TOTP secret (returned once, for the official's authenticator app)."""
        if self._row(user_id) is None:
            raise KeyError(user_id)
        secret = pyotp.random_base32()
        self._db.run(
            "UPDATE hub_credentials SET totp_secret = ?, updated = ? WHERE user_id = ?",
            (secret, time.time(), str(user_id)),
        )
        return secret

    def verify(self, user_id: UUID | None, password: str, code: str | None) -> None:
        """Returns if the password (and the code, where TOTP is enrolled) match; else raises
        :class:`LockedOut` while locked, :class:`SignInRefused` otherwise (and counts it)."""
        row = None if user_id is None else self._row(user_id)
        now = time.time()
        if row is not None and row.locked_until > now:
            raise LockedOut(max(1, int(row.locked_until - now + 0.999)))
        matched = self._hasher.verify(password, row.password_hash if row else _decoy(self._cost))
        if matched and row is not None and row.totp_secret is not None:
            matched = code is not None and pyotp.TOTP(row.totp_secret).verify(code, valid_window=1)
        if row is None or user_id is None:
            raise SignInRefused("sign-in refused")
        if not matched:
            self._fail(user_id, row, now)
        if row.failures:
            self._db.run(
                "UPDATE hub_credentials SET failures = 0, locked_until = 0 WHERE user_id = ?",
                (str(user_id),),
            )

    def _fail(self, user_id: UUID, row: _Row, now: float) -> None:
        failures = row.failures + 1
        locked_until = 0.0
        if failures >= FREE_FAILURES:
            doublings = failures - FREE_FAILURES
            lock = min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** min(doublings, 16))
            locked_until = now + lock
        self._db.run(
            "UPDATE hub_credentials SET failures = ?, locked_until = ? WHERE user_id = ?",
            (failures, locked_until, str(user_id)),
        )
        if locked_until:
            raise LockedOut(max(1, int(locked_until - now + 0.999)))
        raise SignInRefused("sign-in refused")
