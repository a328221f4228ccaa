"""What the batch connector knows of the agency's referrals: a small SQLite file.

For each referral to the agency: its position in the feed, its last known status (every feed
record updates it), the names of both agencies, its due date and the day it was exported.
The importer checks answers against it (unknown referral, already closed). It holds no
personal data: names and contacts are only in the exported files.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from connectors.records import FeedRecord

SCHEMA = """CREATE TABLE IF NOT EXISTS referrals (
    referral_id TEXT PRIMARY KEY, position INTEGER NOT NULL, status TEXT NOT NULL,
    status_position INTEGER NOT NULL,
    requester TEXT NOT NULL, recipient TEXT NOT NULL, due_on TEXT NOT NULL,
    exported_on TEXT NOT NULL)"""


@dataclass(frozen=True)
class Known:
    referral_id: str
    position: int
    status: str
    status_position: int
    requester: str
    recipient: str
    due_on: str
    exported_on: str


class Ledger:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(SCHEMA)

    def add(self, record: FeedRecord, exported_on: str) -> bool:
        """Records a new referral to the agency; ``False`` if it was already there."""
        data = record.data
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO referrals VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.referral_id,
                record.position,
                str(data.get("status") or "requested"),
                record.position,
                str((data.get("requester") or {}).get("name") or ""),
                str((data.get("recipient") or {}).get("name") or ""),
                str(data.get("due_on") or ""),
                exported_on,
            ),
        )
        return cursor.rowcount == 1

    def update(self, record: FeedRecord) -> None:
        """Takes the status a later record of a known referral carries."""
        status = record.data.get("status")
        if status:
            self._db.execute(
                "UPDATE referrals SET status = ?, status_position = ?"
                " WHERE referral_id = ? AND status_position < ?",
                (status, record.position, record.referral_id, record.position),
            )

    def get(self, referral_id: str) -> Known | None:
        row = self._db.execute(
            "SELECT * FROM referrals WHERE referral_id = ?", (referral_id,)
        ).fetchone()
        return Known(*row) if row else None

    def close(self) -> None:
        self._db.close()
