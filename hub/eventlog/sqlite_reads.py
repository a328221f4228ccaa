"""Reads of the embedded log on one connection per thread, one statement each.

The library's recorder reads through its connection pool, in an explicit transaction
(``BEGIN``, the ``SELECT``, ``ROLLBACK``, and the pool's locks around them): four calls into
SQLite and the pool's bookkeeping for every aggregate a command loads. A single ``SELECT`` in
autocommit mode is its own read transaction (a consistent snapshot in WAL mode), so the hot
reads (:meth:`hub.eventlog.sqlite.SubscribableRecorderMixin.select_events`) run here instead,
as the Kafka log's replica reads (:mod:`hub.eventlog.replica`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any


class ThreadReads:
    def __init__(self, db_name: str, timeout: float) -> None:
        self.db_name = db_name
        self.timeout = timeout
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._idle = threading.Condition()
        self._users = 0  # statements running now, on any thread's connection
        self._closed = False

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.db_name,
                uri=True,
                timeout=self.timeout,
                check_same_thread=False,
                isolation_level=None,
            )
            self._local.conn = conn
            self._all.append(conn)
        return conn

    @contextmanager
    def _use(self) -> Iterator[sqlite3.Connection]:
        with self._idle:
            if self._closed:
                raise sqlite3.ProgrammingError("the log is closed")
            self._users += 1
            conn = self._connection()
        try:
            yield conn
        finally:
            with self._idle:
                self._users -= 1
                if not self._users:
                    self._idle.notify_all()

    def rows(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self._use() as conn:
            return conn.execute(sql, params).fetchall()

    def close(self) -> None:
        """Closes every thread's connection once none is in use (closing one while another
        thread steps a statement on it crashes the interpreter)."""
        with self._idle:
            self._closed = True
            self._idle.wait_for(lambda: not self._users, timeout=30)
            for conn in self._all:
                conn.close()
            self._all.clear()
            self._local = threading.local()
