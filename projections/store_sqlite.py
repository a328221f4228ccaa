"""The SQLite view store (the default): views and tracking in one database file.

Built on the library's ``SQLiteTrackingRecorder`` (its ``tracking`` table and its rule that a
position only moves forward). Write transactions start with ``BEGIN IMMEDIATE`` so that a
worker and a rebuild writing the same file wait for each other instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import (
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteTrackingRecorder,
    SQLiteTransaction,
)

from projections.sealing import Sealer
from projections.store import Tx, ViewStore


class _Transaction(SQLiteTransaction):
    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        if self.commit:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.execute("BEGIN IMMEDIATE")
        else:
            cursor.execute("BEGIN")
        return cursor


class SQLiteTx(Tx):
    def __init__(
        self, cursor: SQLiteCursor, tables: Mapping[str, str], sealer: Sealer | None
    ) -> None:
        super().__init__(tables, sealer)
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.cursor.executemany(sql, [tuple(r) for r in rows])

    def fetchall(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self.cursor.fetchall()]


class SQLiteViewStore(SQLiteTrackingRecorder, ViewStore):
    dialect = "sqlite"

    def __init__(self, path: str, *, lock_timeout: int = 30) -> None:
        super().__init__(SQLiteDatastore(path, lock_timeout=lock_timeout))
        self.path = path

    def table_name(self, logical: str) -> str:
        return logical

    @contextmanager
    def transaction(self, tables: Mapping[str, str], *, commit: bool = True) -> Iterator[Tx]:
        with (
            self.datastore.get_connection(commit=commit) as conn,
            _Transaction(conn, commit=commit) as cursor,
        ):
            yield SQLiteTx(cursor, tables, self.sealer)

    def _track(self, tx: Tx, tracking: Tracking) -> None:
        self._insert_tracking(_cursor(tx), tracking)

    def _lock(self, tx: Tx, key: str) -> None:
        """Nothing more: ``BEGIN IMMEDIATE`` already makes every other writer wait."""

    def _seen(self, tx: Tx, key: str) -> int | None:
        return self._max_tracking_id(key, _cursor(tx))

    def close(self) -> None:
        self.datastore.close()


def _cursor(tx: Tx) -> SQLiteCursor:
    if not isinstance(tx, SQLiteTx):
        raise TypeError("a transaction of another view store")
    return tx.cursor
