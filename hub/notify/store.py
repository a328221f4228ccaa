"""The notifier's own tables (通知): what it has seen, what it told whom, what it still sends.

One small table store (:class:`hub.smalldb.SmallDB`, SQLite or PostgreSQL), beside the log:

- ``notify_position``: how far the notifier has followed the log (its tracking);
- ``notify_items``: each notification of each official, the console's list (read or unread);
- ``notify_deliveries``: each item's email or webhook message, ``pending`` until a channel
  took it (``sent``), retried with back-off, ``failed`` after the limit (admins retry it),
  ``digest`` while it waits for the official's daily digest, ``digested`` once in one;
- ``notify_fired``: the time-based triggers (amber, red, escalation, dead letters) already
  fired, so each fires once whatever the clock does and however often the process restarts;
- ``notify_prefs``: each official's preferences (their own email address among them: contact
  data of officials is kept here, never in the log).

Items, their deliveries and the position (or the fired keys) are written in one transaction,
so a notifier killed at any point neither repeats nor skips one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from hub.smalldb import SmallDB

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS notify_position (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS notify_items (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
    "agency_id TEXT NOT NULL, trigger TEXT NOT NULL, params TEXT NOT NULL, "
    "created_at DOUBLE PRECISION NOT NULL, read_at DOUBLE PRECISION)",
    "CREATE INDEX IF NOT EXISTS notify_items_user ON notify_items (user_id, created_at)",
    "CREATE TABLE IF NOT EXISTS notify_deliveries (id TEXT PRIMARY KEY, item_id TEXT NOT NULL, "
    "user_id TEXT NOT NULL, channel TEXT NOT NULL, state TEXT NOT NULL, "
    "attempts INTEGER NOT NULL, next_at DOUBLE PRECISION NOT NULL, last_error TEXT, "
    "sent_at DOUBLE PRECISION, digest_id TEXT)",
    "CREATE INDEX IF NOT EXISTS notify_deliveries_due ON notify_deliveries (state, next_at)",
    "CREATE TABLE IF NOT EXISTS notify_fired (key TEXT PRIMARY KEY, "
    "fired_at DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS notify_prefs (user_id TEXT PRIMARY KEY, prefs TEXT NOT NULL)",
)

POSITION = "log"


@dataclass(frozen=True)
class Item:
    """One notification for one official."""

    id: str
    user_id: str
    agency_id: str
    trigger: str
    params: dict[str, Any]
    created_at: float
    read_at: float | None = None

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "trigger": self.trigger,
            "agency_id": self.agency_id,
            "params": self.params,
            "created_at": self.created_at,
            "read": self.read_at is not None,
        }


@dataclass(frozen=True)
class Delivery:
    """One message of an item on one channel (``email`` or ``webhook``)."""

    id: str
    item_id: str
    user_id: str
    channel: str
    state: str
    attempts: int
    next_at: float
    last_error: str | None


def _item(row: Sequence[Any]) -> Item:
    return Item(row[0], row[1], row[2], row[3], orjson.loads(row[4]), row[5], row[6])


def _delivery(row: Sequence[Any]) -> Delivery:
    return Delivery(*row)


ITEM_COLUMNS = "id, user_id, agency_id, trigger, params, created_at, read_at"
DELIVERY_COLUMNS = "id, item_id, user_id, channel, state, attempts, next_at, last_error"


class NotifyStore:
    def __init__(self, location: str) -> None:
        self.db = SmallDB(location)
        for statement in SCHEMA:
            self.db.run(statement)

    def close(self) -> None:
        self.db.close()

    # the notifier's tracking and what it writes

    def position(self) -> int:
        rows = self.db.run("SELECT position FROM notify_position WHERE name = ?", (POSITION,))
        return int(rows[0][0]) if rows else 0

    def record(
        self,
        items: Iterable[Item],
        deliveries: Iterable[Delivery],
        *,
        position: int | None = None,
        fired: Sequence[str] = (),
    ) -> bool:
        """Writes items and their deliveries with the log position they come from (never
        moving it back: ``False`` and nothing written if it is not ahead) or with the
        time-based keys they fire (those already fired are left out, with their items)."""
        items, deliveries = list(items), list(deliveries)
        with self.db.lock, self.db.transaction() as tx:
            if position is not None:
                seen = tx.execute(
                    "SELECT position FROM notify_position WHERE name = ?", (POSITION,)
                )
                if seen and int(seen[0][0]) >= position:
                    return False
                tx.execute(
                    "INSERT INTO notify_position (name, position) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                    (POSITION, position),
                )
            if fired:
                marks = ", ".join("?" for _ in fired)
                old = {
                    r[0]
                    for r in tx.execute(
                        f"SELECT key FROM notify_fired WHERE key IN ({marks})", list(fired)
                    )
                }
                now = time.time()
                tx.executemany(
                    "INSERT INTO notify_fired (key, fired_at) VALUES (?, ?) "
                    "ON CONFLICT (key) DO NOTHING",
                    [(k, now) for k in fired if k not in old],
                )
                keep = {i.id for i in items if i.params.get("fire_key") not in old}
                items = [i for i in items if i.id in keep]
                deliveries = [d for d in deliveries if d.item_id in keep]
            tx.executemany(
                f"INSERT INTO notify_items ({ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO NOTHING",
                [
                    (
                        i.id,
                        i.user_id,
                        i.agency_id,
                        i.trigger,
                        orjson.dumps(i.params).decode(),
                        i.created_at,
                        None,
                    )
                    for i in items
                ],
            )
            tx.executemany(
                f"INSERT INTO notify_deliveries ({DELIVERY_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                [
                    (
                        d.id,
                        d.item_id,
                        d.user_id,
                        d.channel,
                        d.state,
                        d.attempts,
                        d.next_at,
                        d.last_error,
                    )
                    for d in deliveries
                ],
            )
        return True

    def fired(self, keys: Sequence[str]) -> set[str]:
        if not keys:
            return set()
        marks = ", ".join("?" for _ in keys)
        rows = self.db.run(f"SELECT key FROM notify_fired WHERE key IN ({marks})", list(keys))
        return {r[0] for r in rows}

    # the console's list

    def items_of(self, user_id: str, *, unread_only: bool = False, limit: int = 50) -> list[Item]:
        sql = f"SELECT {ITEM_COLUMNS} FROM notify_items WHERE user_id = ?"
        if unread_only:
            sql += " AND read_at IS NULL"
        sql += " ORDER BY created_at DESC, id LIMIT ?"
        return [_item(r) for r in self.db.run(sql, (user_id, limit))]

    def unread_count(self, user_id: str) -> int:
        rows = self.db.run(
            "SELECT COUNT(*) FROM notify_items WHERE user_id = ? AND read_at IS NULL", (user_id,)
        )
        return int(rows[0][0])

    def item(self, item_id: str) -> Item | None:
        rows = self.db.run(f"SELECT {ITEM_COLUMNS} FROM notify_items WHERE id = ?", (item_id,))
        return _item(rows[0]) if rows else None

    def mark_read(self, user_id: str, item_id: str | None = None) -> int:
        """Marks one item of the official (or all of theirs) read; how many changed."""
        before = self.unread_count(user_id)
        if item_id is None:
            self.db.run(
                "UPDATE notify_items SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
                (time.time(), user_id),
            )
        else:
            self.db.run(
                "UPDATE notify_items SET read_at = ? "
                "WHERE id = ? AND user_id = ? AND read_at IS NULL",
                (time.time(), item_id, user_id),
            )
        return before - self.unread_count(user_id)

    # deliveries

    def due(self, now: float, limit: int = 200) -> list[Delivery]:
        rows = self.db.run(
            f"SELECT {DELIVERY_COLUMNS} FROM notify_deliveries "
            "WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?",
            (now, limit),
        )
        return [_delivery(r) for r in rows]

    def waiting_digest(self) -> list[Delivery]:
        rows = self.db.run(
            f"SELECT {DELIVERY_COLUMNS} FROM notify_deliveries WHERE state = 'digest' "
            "ORDER BY next_at, id"
        )
        return [_delivery(r) for r in rows]

    def failed(self) -> list[Delivery]:
        rows = self.db.run(
            f"SELECT {DELIVERY_COLUMNS} FROM notify_deliveries WHERE state = 'failed' "
            "ORDER BY next_at, id"
        )
        return [_delivery(r) for r in rows]

    def delivery(self, delivery_id: str) -> Delivery | None:
        rows = self.db.run(
            f"SELECT {DELIVERY_COLUMNS} FROM notify_deliveries WHERE id = ?", (delivery_id,)
        )
        return _delivery(rows[0]) if rows else None

    def sent(self, delivery_id: str) -> None:
        self.db.run(
            "UPDATE notify_deliveries SET state = 'sent', sent_at = ?, last_error = NULL "
            "WHERE id = ?",
            (time.time(), delivery_id),
        )

    def attempt_failed(self, delivery: Delivery, error: str, next_at: float | None) -> None:
        """One more failed attempt: tried again at ``next_at``, or ``failed`` (None)."""
        self.db.run(
            "UPDATE notify_deliveries SET attempts = ?, next_at = ?, last_error = ?, "
            "state = ? WHERE id = ?",
            (
                delivery.attempts + 1,
                delivery.next_at if next_at is None else next_at,
                error,
                "failed" if next_at is None else "pending",
                delivery.id,
            ),
        )

    def postpone(self, delivery_id: str, next_at: float) -> None:
        """Sends it not before ``next_at`` (the official's quiet hours)."""
        self.db.run("UPDATE notify_deliveries SET next_at = ? WHERE id = ?", (next_at, delivery_id))

    def retry(self, delivery_id: str | None = None) -> list[str]:
        """Puts failed deliveries (one, or all) back to be sent now; their ids."""
        failed = [d.id for d in self.failed() if delivery_id in (None, d.id)]
        for d in failed:
            self.db.run(
                "UPDATE notify_deliveries SET state = 'pending', attempts = 0, next_at = ? "
                "WHERE id = ? AND state = 'failed'",
                (time.time(), d),
            )
        return failed

    def digested(self, delivery_ids: Sequence[str], digest: Delivery) -> None:
        """The waiting deliveries went into ``digest``, itself pending, in one transaction."""
        with self.db.lock, self.db.transaction() as tx:
            tx.executemany(
                "UPDATE notify_deliveries SET state = 'digested', digest_id = ? WHERE id = ?",
                [(digest.id, d) for d in delivery_ids],
            )
            tx.executemany(
                f"INSERT INTO notify_deliveries ({DELIVERY_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                [
                    (
                        digest.id,
                        digest.item_id,
                        digest.user_id,
                        digest.channel,
                        digest.state,
                        digest.attempts,
                        digest.next_at,
                        None,
                    )
                ],
            )

    def in_digest(self, digest_id: str) -> list[Item]:
        """The items a digest delivery carries."""
        rows = self.db.run(
            f"SELECT {', '.join('i.' + c for c in ITEM_COLUMNS.split(', '))} "
            "FROM notify_items i JOIN notify_deliveries d ON d.item_id = i.id "
            "WHERE d.digest_id = ? ORDER BY i.created_at, i.id",
            (digest_id,),
        )
        return [_item(r) for r in rows]

    def counts(self) -> dict[str, int]:
        rows = self.db.run("SELECT state, COUNT(*) FROM notify_deliveries GROUP BY state")
        return {r[0]: int(r[1]) for r in rows}

    # preferences

    def prefs(self, user_id: str) -> dict[str, Any] | None:
        rows = self.db.run("SELECT prefs FROM notify_prefs WHERE user_id = ?", (user_id,))
        if not rows:
            return None
        loaded: dict[str, Any] = orjson.loads(rows[0][0])
        return loaded

    def set_prefs(self, user_id: str, prefs: dict[str, Any]) -> None:
        self.db.run(
            "INSERT INTO notify_prefs (user_id, prefs) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET prefs = excluded.prefs",
            (user_id, orjson.dumps(prefs).decode()),
        )
