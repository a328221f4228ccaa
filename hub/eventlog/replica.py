"""The local replica of the log: its events, tracking marks and position in one SQLite file.

A cache of the topic: the writer applies each committed transaction to it before answering,
a follower applies what others wrote, and deleted it is rebuilt from the topic. Each apply
is one SQLite transaction that also moves ``position`` (the next Kafka offset to read), and
skips records below the position, so applying the same committed records twice is harmless.
Notification ids must continue contiguously; anything else means the replica and the topic
have diverged (``ReplicaDiverged``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent

from hub.eventlog.records import EVENT, TRACKING, WRITER, RecordFormatError, unpack

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    notification_id INTEGER PRIMARY KEY,
    originator_id TEXT NOT NULL,
    id_is_uuid INTEGER NOT NULL,
    originator_version INTEGER NOT NULL,
    topic TEXT NOT NULL,
    state BLOB NOT NULL,
    UNIQUE (originator_id, originator_version)
);
CREATE TABLE IF NOT EXISTS tracking (
    application_name TEXT PRIMARY KEY,
    notification_id INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_meta (
    key TEXT PRIMARY KEY,
    value
) WITHOUT ROWID;
"""


def notifications_query(
    select: str,
    position: str,
    start: int | None,
    limit: int,
    stop: int | None,
    topics: Sequence[str],
    inclusive_of_start: bool,
) -> tuple[str, list[object]]:
    """``select`` (``SELECT … FROM table``) narrowed as ``select_notifications`` asks, by the
    column ``position``: SQL and its parameters (the replica's and the embedded log's)."""
    sql = f"{select} WHERE 1=1 "
    params: list[object] = []
    if start is not None:
        sql += f"AND {position}>=? " if inclusive_of_start else f"AND {position}>? "
        params.append(start)
    if stop is not None:
        sql += f"AND {position}<=? "
        params.append(stop)
    if topics:
        sql += f"AND topic IN ({','.join('?' * len(topics))}) "
        params.extend(topics)
    sql += f"ORDER BY {position} LIMIT ?"
    params.append(limit)
    return sql, params


class ReplicaDiverged(Exception):
    """The topic and the replica disagree (the topic was lost, truncated or replaced)."""


def originator_key(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else originator_id


def uuid_text(hex_digits: str) -> str:
    """A UUID stored as 32 hex digits, in its usual text (``str(uuid)``), without a UUID."""
    h = hex_digits
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Replica:
    def __init__(self, path: str) -> None:
        self.path = str(Path(path))
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._users = 0  # statements running now, on any thread's connection
        self._idle = threading.Condition(self._lock)
        with self._connection() as c:
            c.executescript(SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=30, check_same_thread=False, isolation_level=None
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def _use(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, counted as in use until the block ends."""
        with self._idle:
            self._users += 1
        try:
            yield self._connection()
        finally:
            with self._idle:
                self._users -= 1
                if not self._users:
                    self._idle.notify_all()

    def _query(self, sql: str, params: Sequence[object] = (), every: bool = False) -> Any:
        with self._use() as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if every else cursor.fetchone()

    def close(self) -> None:
        """Closes every thread's connection once none is in use: closing one while another
        thread steps a statement on it crashes the interpreter."""
        with self._idle:
            self._idle.wait_for(lambda: not self._users, timeout=30)
            for conn in self._all:
                conn.close()
            self._all.clear()
            self._local = threading.local()

    # Reads.

    def position(self) -> int:
        return int(self._meta("position") or 0)

    def writer(self) -> tuple[str, int] | None:
        """The instance id and offset of the latest writer mark applied."""
        instance, offset = self._meta("writer"), self._meta("writer_offset")
        return None if instance is None else (str(instance), int(offset or 0))

    def _meta(self, key: str) -> Any:
        row = self._query("SELECT value FROM log_meta WHERE key=?", (key,))
        return None if row is None else row[0]

    def max_notification_id(self) -> int | None:
        row = self._query("SELECT MAX(notification_id) FROM events")
        return None if row is None or row[0] is None else int(row[0])

    def max_tracking_id(self, application_name: str) -> int | None:
        row = self._query(
            "SELECT notification_id FROM tracking WHERE application_name=?", (application_name,)
        )
        return None if row is None else int(row[0])

    def existing(self, originator_id: UUID | str, versions: Sequence[int]) -> bool:
        marks = ",".join("?" * len(versions))
        row = self._query(
            f"SELECT 1 FROM events WHERE originator_id=? AND originator_version IN ({marks}) LIMIT 1",
            (originator_key(originator_id), *versions),
        )
        return row is not None

    def select_events(
        self,
        originator_id: UUID | str,
        gt: int | None,
        lte: int | None,
        desc: bool,
        limit: int | None,
    ) -> list[StoredEvent]:
        sql = "SELECT originator_id, id_is_uuid, originator_version, topic, state FROM events "
        sql += "WHERE originator_id=? "
        params: list[object] = [originator_key(originator_id)]
        if gt is not None:
            sql += "AND originator_version>? "
            params.append(gt)
        if lte is not None:
            sql += "AND originator_version<=? "
            params.append(lte)
        sql += "ORDER BY originator_version " + ("DESC " if desc else "ASC ")
        if limit is not None:
            sql += "LIMIT ?"
            params.append(limit)
        rows = self._query(sql, params, every=True)
        return [StoredEvent(_originator(r[0], r[1]), r[2], r[3], r[4]) for r in rows]

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None,
        topics: Sequence[str],
        inclusive_of_start: bool,
    ) -> list[Notification]:
        sql, params = notifications_query(
            "SELECT notification_id, originator_id, id_is_uuid, originator_version, topic, state "
            "FROM events",
            "notification_id",
            start,
            limit,
            stop,
            topics,
            inclusive_of_start,
        )
        rows = self._query(sql, params, every=True)
        return [
            Notification(
                id=r[0],
                originator_id=_originator(r[1], r[2]),
                originator_version=r[3],
                topic=r[4],
                state=r[5],
            )
            for r in rows
        ]

    def select_rows(self, after: int, limit: int) -> list[tuple[int, str, int, str, bytes]]:
        """Stored events after position ``after``, as plain rows: position, originator id
        as text (a UUID in its usual form), version, topic, state."""
        sql = (
            "SELECT notification_id, originator_id, id_is_uuid, originator_version, topic, state "
            "FROM events WHERE notification_id > ? ORDER BY notification_id LIMIT ?"
        )
        rows = self._query(sql, (after, limit), every=True)
        return [(r[0], uuid_text(r[1]) if r[2] else r[1], r[3], r[4], r[5]) for r in rows]

    def count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM events")[0])

    # Writes.

    def apply(self, records: Iterable[tuple[int, bytes]], position: int) -> int:
        """Applies committed records at or past the position; returns how many events."""
        with self._write_lock, self._use() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                applied = self._apply(conn, records, position)
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
            return applied

    def _apply(
        self, conn: sqlite3.Connection, records: Iterable[tuple[int, bytes]], end: int
    ) -> int:
        current = int(_scalar(conn, "SELECT value FROM log_meta WHERE key='position'") or 0)
        last_id = int(_scalar(conn, "SELECT MAX(notification_id) FROM events") or 0)
        rows = []
        for offset, value in records:
            if offset < current:
                continue
            kind, number, version, id_kind, name, topic, state = unpack(value)
            if kind == EVENT:
                if number != last_id + 1:
                    raise ReplicaDiverged(
                        f"notification id {number} at offset {offset} does not follow "
                        f"{last_id}: the topic and the replica disagree"
                    )
                last_id = number
                key = name.hex() if id_kind == 1 else name.decode()
                rows.append((number, key, id_kind, version, topic, state))
            elif kind == TRACKING:
                conn.execute(
                    "INSERT INTO tracking VALUES (?, ?) ON CONFLICT (application_name) "
                    "DO UPDATE SET notification_id=excluded.notification_id",
                    (name.decode(), number),
                )
            elif kind == WRITER:
                _set(conn, "writer", name.decode())
                _set(conn, "writer_offset", offset)
            else:
                raise RecordFormatError(f"unknown record kind {kind} at offset {offset}")
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", rows)
        _set(conn, "position", max(current, end))
        return len(rows)


def _originator(key: str, is_uuid: int) -> UUID | str:
    return UUID(hex=key) if is_uuid else key


def _scalar(conn: sqlite3.Connection, sql: str) -> Any:
    row = conn.execute(sql).fetchone()
    return None if row is None else row[0]


def _set(conn: sqlite3.Connection, key: str, value: object) -> None:
    conn.execute(
        "INSERT INTO log_meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value=excluded.value",
        (key, value),
    )
