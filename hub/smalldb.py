"""One small table store on SQLite (a file path) or PostgreSQL (a ``postgresql://`` URL).

For the hub's own stores beside the log (tokens and idempotency records, per-person keys):
one connection, one lock, statements written with ``?`` placeholders and ``BYTEA`` columns,
translated for the database in use.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class SmallDB:
    def __init__(self, location: str) -> None:
        self.is_postgres = location.startswith(("postgresql://", "postgres://"))
        self.lock = threading.Lock()
        self._conn: Any
        self._synchronous = 2  # SQLite's FULL, read from the connection below
        if self.is_postgres:
            import psycopg  # only for a PostgreSQL store: not every command pays its import

            self._conn = psycopg.connect(location, autocommit=True)
        else:
            Path(location).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(location, check_same_thread=False, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._synchronous = int(self._conn.execute("PRAGMA synchronous").fetchone()[0])

    def sql(self, statement: str) -> str:
        if self.is_postgres:
            return statement.replace("?", "%s")
        return statement.replace("BYTEA", "BLOB")

    def run(
        self, statement: str, params: Sequence[Any] = (), *, synced: bool = True
    ) -> list[tuple[Any, ...]]:
        """One statement, committed; its rows, if it returns any.

        ``synced=False`` commits without waiting for the disk (SQLite ``synchronous=NORMAL``
        in WAL mode, PostgreSQL ``synchronous_commit = off``): the change is consistent but
        may be lost on a power cut until the next synced commit, which makes it durable too.
        """
        with self.lock:
            if synced:
                cursor = self._conn.execute(self.sql(statement), params)
                return list(cursor.fetchall()) if cursor.description else []
            if self.is_postgres:
                with self._conn.transaction():
                    self._conn.execute("SET LOCAL synchronous_commit = off")
                    cursor = self._conn.execute(self.sql(statement), params)
                    return list(cursor.fetchall()) if cursor.description else []
            self._conn.execute("PRAGMA synchronous=NORMAL")
            try:
                cursor = self._conn.execute(self.sql(statement), params)
                return list(cursor.fetchall()) if cursor.description else []
            finally:
                self._conn.execute(f"PRAGMA synchronous={self._synchronous}")

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A transaction (the caller holds :attr:`lock`); yields something with
        ``executemany(statement, rows)`` taking statements in this module's dialect."""
        if self.is_postgres:
            with self._conn.transaction():
                yield _Translating(self, self._conn.cursor())
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield _Translating(self, self._conn)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()


class _Translating:
    def __init__(self, db: SmallDB, target: Any) -> None:
        self._db = db
        self._target = target

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        self._target.executemany(self._db.sql(statement), rows)

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """One statement inside the transaction; its rows, if it returns any."""
        cursor = self._target.execute(self._db.sql(statement), params)
        return list(cursor.fetchall()) if cursor.description else []
