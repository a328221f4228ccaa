"""The view store interface: where projections keep their rows and their positions.

A view store is an ``eventsourcing`` tracking recorder (so a projection's ``view`` is a
``TrackingRecorder``, as ``eventsourcing.projection`` expects) that also runs the view's own
SQL. :meth:`ViewStore.write` applies a projection's changes and records its tracking position
in one database transaction: a view is never ahead of or behind the position it reports.

Two drivers implement it: :mod:`projections.store_sqlite` (the default, a file) and
:mod:`projections.store_postgres`. Projections write portable SQL: ``?`` placeholders and
``{logical_table}`` names, which the store turns into the physical table of the version
being read or written (``referrals`` → ``referrals_v2``). Dates are ISO text, money and
counts ``BIGINT``, flags ``INTEGER`` 0/1, lists and dicts JSON text.

Each view's table versions are listed in ``view_tables``; exactly one version of a view is
``active`` (what readers read). A rebuild fills a ``building`` version and switches it to
``active`` in one transaction, so readers never see a half-built view.

A view version that met an event it cannot hold is recorded in ``view_halts`` (the
notification id and the error): the worker stops following that version, and its status and
its readers' freshness say so, until a rebuild by code that can hold the event replaces it.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    Tracking,
    TrackingRecorder,
)

from projections.sealing import SEALED_COLUMNS, Sealer
from projections.values import text

VIEW_TABLES = "view_tables"
VIEW_TABLES_DDL = (
    "CREATE TABLE IF NOT EXISTS {view_tables} ("
    "view_name TEXT NOT NULL, version BIGINT NOT NULL, code_version BIGINT NOT NULL, "
    "state TEXT NOT NULL, changed_at TEXT NOT NULL, PRIMARY KEY (view_name, version))"
)
VIEW_HALTS = "view_halts"
VIEW_HALTS_DDL = (
    "CREATE TABLE IF NOT EXISTS {view_halts} ("
    "view_name TEXT NOT NULL, version BIGINT NOT NULL, position BIGINT NOT NULL, "
    "error TEXT NOT NULL, halted_at TEXT NOT NULL, PRIMARY KEY (view_name, version))"
)


class Tx(ABC):
    """One open transaction of a view store; SQL with ``?`` and ``{table}`` names."""

    def __init__(self, tables: Mapping[str, str], sealer: Sealer | None = None) -> None:
        self.tables = tables
        self.sealer = sealer
        self._sql: dict[str, str] = {}
        self._rows: dict[str, dict[str, dict[str, Any] | None]] = {}
        self._dirty: dict[str, dict[str, dict[str, Any]]] = {}
        self._appended: dict[str, list[dict[str, Any]]] = {}

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Runs one statement."""

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Runs one statement once per row of parameters."""

    @abstractmethod
    def fetchall(self) -> list[dict[str, Any]]:
        """The rows of the last query, as dicts."""

    def fetchone(self) -> dict[str, Any] | None:
        rows = self._unsealed(self.fetchall())
        return rows[0] if rows else None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        self.execute(sql, params)
        return self._unsealed(self.fetchall())

    def _unsealed(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return rows if self.sealer is None else self.sealer.unseal_rows(rows)

    def sql(self, sql: str) -> str:
        """``sql`` with the physical names of its ``{logical}`` tables."""
        formatted = self._sql.get(sql)
        if formatted is None:
            formatted = self._sql[sql] = sql.format_map(self.tables)
        return formatted

    # The unit of work: rows keyed by ``id`` are read once, changed in memory, and written
    # once when the transaction's batch is done (:meth:`flush`), whatever number of events
    # changed them; append-only rows are inserted together. A list or dict put in a row is
    # written as JSON text.

    def row(self, table: str, key: str) -> dict[str, Any] | None:
        """The row of ``table`` whose ``id`` is ``key``, as this transaction has it."""
        cached = self._rows.setdefault(table, {})
        if key not in cached:
            found = self.query(self.sql(f"SELECT * FROM {{{table}}} WHERE id = ?"), (key,))
            cached[key] = found[0] if found else None
        return cached[key]

    def existing(self, table: str, key: str) -> dict[str, Any]:
        """:meth:`row`, which must exist (an event about an unknown row is a broken log)."""
        found = self.row(table, key)
        if found is None:
            raise LookupError(f"{table} {key} is not in the view")
        return found

    def put(self, table: str, row: dict[str, Any]) -> None:
        """Sets (inserts or replaces) a row keyed by ``id``; written by :meth:`flush`."""
        self._rows.setdefault(table, {})[row["id"]] = row
        self._dirty.setdefault(table, {})[row["id"]] = row

    def append(self, table: str, row: dict[str, Any]) -> None:
        """Inserts a row of an append-only table at :meth:`flush`."""
        self._appended.setdefault(table, []).append(row)

    def flush(self) -> None:
        for table, rows in self._dirty.items():
            self._insert(table, list(rows.values()), upsert=True)
        for table, appended in self._appended.items():
            self._insert(table, appended, upsert=False)
        self._dirty, self._appended = {}, {}

    def _insert(self, table: str, rows: list[dict[str, Any]], *, upsert: bool) -> None:
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            by_columns.setdefault(tuple(row), []).append(row)
        for columns, group in by_columns.items():
            sql = (
                f"INSERT INTO {{{table}}} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            if upsert:
                sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
                sql += f" ON CONFLICT (id) DO UPDATE SET {sets}"
            sealed = [c in SEALED_COLUMNS and self.sealer is not None for c in columns]
            self.executemany(
                self.sql(sql),
                [
                    [self._stored(r[c], s) for c, s in zip(columns, sealed, strict=True)]
                    for r in group
                ],
            )

    def _stored(self, value: Any, sealed: bool) -> Any:
        value = _value(value)
        if sealed and value is not None:
            assert self.sealer is not None
            return self.sealer.seal(value)
        return value


def _value(value: Any) -> Any:
    """Lists and dicts kept in a row during a transaction are stored as JSON text (with
    ids, dates and times as text)."""
    if type(value) in (list, dict):
        return json.dumps(value, ensure_ascii=False, default=text)
    return value


class ViewStore(TrackingRecorder, ABC):
    """A database for views: SQL in transactions, tracking, and the active table versions."""

    dialect: str = ""
    #: seals the free-text columns of every view (set by ``open_store`` given the hub key)
    sealer: Sealer | None = None
    #: errors of the database itself (lost connection, locked file): worth a retry, never a
    #: reason to stop a view
    transient_errors: tuple[type[BaseException], ...] = (
        OperationalError,
        InterfaceError,
        OSError,
    )

    @abstractmethod
    def table_name(self, logical: str) -> str:
        """The physical (possibly schema-qualified) name of a table."""

    @abstractmethod
    @contextmanager
    def transaction(self, tables: Mapping[str, str], *, commit: bool = True) -> Iterator[Tx]:
        """A transaction; committed on success when ``commit``, rolled back otherwise."""

    @abstractmethod
    def _track(self, tx: Tx, tracking: Tracking) -> None:
        """Records ``tracking`` inside the open transaction ``tx``."""

    @abstractmethod
    def _lock(self, tx: Tx, key: str) -> None:
        """Makes other writers under tracking ``key`` wait until ``tx`` ends."""

    @abstractmethod
    def _seen(self, tx: Tx, key: str) -> int | None:
        """The position recorded under ``key``, as ``tx`` sees it."""

    @abstractmethod
    def close(self) -> None:
        """Closes the store's connections."""

    @abstractmethod
    def create_table(self) -> None:
        """Creates the tracking table (the library's tracking recorders do)."""

    # What every driver does the same way.

    def setup(self) -> None:
        """Creates the tracking and version tables if missing."""
        self.create_table()
        with self.transaction(self._registry()) as tx:
            tx.execute(tx.sql(VIEW_TABLES_DDL))
            tx.execute(tx.sql(VIEW_HALTS_DDL))

    def _registry(self) -> dict[str, str]:
        return {
            VIEW_TABLES: self.table_name(VIEW_TABLES),
            VIEW_HALTS: self.table_name(VIEW_HALTS),
        }

    def write(self, tables: Mapping[str, str], tracking: Tracking, apply: Any) -> None:
        """Calls ``apply(tx, seen)`` and records ``tracking`` in the same transaction.

        ``seen`` is the position already recorded under the tracking key, read inside the
        transaction, which holds the key's lock: writers of one view version take turns,
        and each applies only what is after ``seen``. Raises the library's
        ``IntegrityError``, having applied nothing, if ``tracking`` is not ahead of ``seen``.
        """
        key = tracking.application_name
        with self.transaction(tables) as tx:
            self._lock(tx, key)
            seen = self._seen(tx, key)
            if seen is not None and tracking.notification_id <= seen:
                raise IntegrityError(
                    f"{key} has seen {seen}, not before {tracking.notification_id}"
                )
            apply(tx, seen)
            tx.flush()
            self._track(tx, tracking)

    def read(
        self, tables: Mapping[str, str], sql: str, params: Sequence[Any] = ()
    ) -> list[dict[str, Any]]:
        with self.transaction(tables, commit=False) as tx:
            return tx.query(tx.sql(sql), params)

    def run_ddl(self, tables: Mapping[str, str], statements: Sequence[str]) -> None:
        with self.transaction(tables) as tx:
            for statement in statements:
                tx.execute(tx.sql(statement))

    # Table versions.

    def versions(self, view: str) -> list[dict[str, Any]]:
        return self.read(
            self._registry(),
            "SELECT version, code_version, state, changed_at FROM {view_tables} "
            "WHERE view_name = ? ORDER BY version",
            (view,),
        )

    def active_version(self, view: str) -> tuple[int, int] | None:
        """``(version, code_version)`` of the table readers read, or None."""
        rows = self.read(
            self._registry(),
            "SELECT version, code_version FROM {view_tables} WHERE view_name = ? AND state = ?",
            (view, "active"),
        )
        return (int(rows[0]["version"]), int(rows[0]["code_version"])) if rows else None

    def add_version(self, view: str, code_version: int, state: str) -> int:
        """Registers the next table version of ``view`` in ``state`` and returns it."""
        with self.transaction(self._registry()) as tx:
            row = tx.query(
                tx.sql("SELECT MAX(version) AS v FROM {view_tables} WHERE view_name = ?"), (view,)
            )
            version = int(row[0]["v"] or 0) + 1
            tx.execute(
                tx.sql("INSERT INTO {view_tables} VALUES (?, ?, ?, ?, ?)"),
                (view, version, code_version, state, _now()),
            )
        return version

    def activate(self, view: str, version: int) -> None:
        """Switches readers of ``view`` to ``version`` in one transaction."""
        with self.transaction(self._registry()) as tx:
            tx.execute(
                tx.sql(
                    "UPDATE {view_tables} SET state = ?, changed_at = ? "
                    "WHERE view_name = ? AND state = ?"
                ),
                ("retired", _now(), view, "active"),
            )
            tx.execute(
                tx.sql(
                    "UPDATE {view_tables} SET state = ?, changed_at = ? "
                    "WHERE view_name = ? AND version = ?"
                ),
                ("active", _now(), view, version),
            )

    def forget_version(self, view: str, version: int) -> None:
        with self.transaction(self._registry()) as tx:
            tx.execute(
                tx.sql("DELETE FROM {view_tables} WHERE view_name = ? AND version = ?"),
                (view, version),
            )
            tx.execute(
                tx.sql("DELETE FROM {view_halts} WHERE view_name = ? AND version = ?"),
                (view, version),
            )

    # Halts.

    def halt(self, view: str, version: int, *, position: int, error: str) -> None:
        """Records that ``view`` version ``version`` cannot apply notification ``position``."""
        with self.transaction(self._registry()) as tx:
            tx.execute(
                tx.sql("DELETE FROM {view_halts} WHERE view_name = ? AND version = ?"),
                (view, version),
            )
            tx.execute(
                tx.sql("INSERT INTO {view_halts} VALUES (?, ?, ?, ?, ?)"),
                (view, version, position, error, _now()),
            )

    def halted(self, view: str, version: int) -> dict[str, Any] | None:
        """``{"position", "error", "halted_at"}`` if this view version was stopped, or None."""
        rows = self.read(
            self._registry(),
            "SELECT position, error, halted_at FROM {view_halts} "
            "WHERE view_name = ? AND version = ?",
            (view, version),
        )
        if not rows:
            return None
        row = rows[0]
        return {
            "position": int(row["position"]),
            "error": str(row["error"]),
            "halted_at": str(row["halted_at"]),
        }


def _now() -> str:
    return datetime.now(UTC).isoformat()
