"""The PostgreSQL view store: views and tracking in one schema of a PostgreSQL database.

Built on the library's ``PostgresTrackingRecorder`` (tracking table ``view_tracking`` in the
store's schema). Statements written with ``?`` placeholders are sent with ``%s``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from projections.sealing import Sealer
from projections.store import Tx, ViewStore

TRACKING_TABLE = "view_tracking"


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


class PostgresTx(Tx):
    def __init__(
        self, cursor: Cursor[DictRow], tables: Mapping[str, str], sealer: Sealer | None
    ) -> None:
        super().__init__(tables, sealer)
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(_pg(sql), tuple(params), prepare=False)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.cursor.executemany(_pg(sql), [tuple(r) for r in rows])

    def fetchall(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self.cursor.fetchall()]


def datastore_from_url(url: str, schema: str | None = None) -> PostgresDatastore:
    """``postgresql://user[:password]@host[:port]/dbname[?schema=name]``."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    return PostgresDatastore(
        dbname=parts.path.lstrip("/") or "postgres",
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
        schema=schema or query.get("schema", ["public"])[0],
        pool_size=2,
        max_overflow=6,
    )


class PostgresViewStore(PostgresTrackingRecorder, ViewStore):
    dialect = "postgresql"
    transient_errors = (
        *ViewStore.transient_errors,
        psycopg.OperationalError,
        psycopg.InterfaceError,
    )

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        super().__init__(datastore_from_url(url, schema), tracking_table_name=TRACKING_TABLE)

    @property
    def schema(self) -> str:
        return self.datastore.schema

    def table_name(self, logical: str) -> str:
        return f'"{self.schema}"."{logical}"'

    def setup(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("CREATE SCHEMA IF NOT EXISTS {0}").format(Identifier(self.schema)))
        super().setup()

    @contextmanager
    def transaction(self, tables: Mapping[str, str], *, commit: bool = True) -> Iterator[Tx]:
        with self.datastore.transaction(commit=commit) as cursor:
            yield PostgresTx(cursor, tables, self.sealer)

    def _track(self, tx: Tx, tracking: Tracking) -> None:
        self._insert_tracking(_cursor(tx), tracking)

    def _lock(self, tx: Tx, key: str) -> None:
        _cursor(tx).execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{self.schema}.{key}",))

    def _seen(self, tx: Tx, key: str) -> int | None:
        return self._max_tracking_id(key, _cursor(tx))

    def drop_schema(self) -> None:
        """Drops the whole schema (tests and throw-away stores only)."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("DROP SCHEMA IF EXISTS {0} CASCADE").format(Identifier(self.schema)))

    def close(self) -> None:
        self.datastore.close()


def _cursor(tx: Tx) -> Cursor[DictRow]:
    if not isinstance(tx, PostgresTx):
        raise TypeError("a transaction of another view store")
    return tx.cursor
