"""Reads of personal data recorded before they are answered, appended to the log in bursts.

``GET /persons/{id}`` must not append an event per read (a reader could grow the log without
bound), yet no answered read may go unrecorded. So each read is first written to a small
durable table beside the access store (one local commit, before the answer is sent); a
thread appends what gathered there every ``interval`` seconds as one
:class:`~domain.audit.PersonalDataReads` event per reader, all of a burst in one atomic
append, then deletes the burst's rows. A burst is named before it is appended and its events'
ids derive from that name, so a crash between the append and the delete makes the next flush
find the burst already in the log (the log refuses it) and only delete the rows.

Only a serving process appends: the API starts the thread when it starts (and a read starts
it if the API was not started as a server), so rows left by a crash are appended within a
flush interval of the restart, and the API's shutdown appends what waits. A process that
never started the thread (a CLI command on the same data) never appends, so it never takes
the Kafka log's writer from the server. Until appended, the access log lists reads from the
table.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.audit import PersonalDataReads
from hub.smalldb import SmallDB

if TYPE_CHECKING:
    from hub.ports import HubPort

log = logging.getLogger(__name__)

SCHEMA = """CREATE TABLE IF NOT EXISTS hub_pending_reads (
    id TEXT PRIMARY KEY, burst TEXT, person_id TEXT NOT NULL, reader TEXT NOT NULL,
    role TEXT NOT NULL, agency_id TEXT, purpose TEXT NOT NULL, channel TEXT NOT NULL,
    at TEXT NOT NULL)"""

COLUMNS = "id, person_id, reader, role, agency_id, purpose, channel, at"


class ReadLog:
    """The buffer of answered reads and the thread that appends them in bursts."""

    def __init__(self, location: str, hub: HubPort, *, interval: float = 1.0) -> None:
        self._db = SmallDB(location)
        self._db.run(SCHEMA)
        self._hub = hub
        self._interval = interval
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def record(
        self,
        *,
        person_id: UUID,
        reader: str,
        role: str,
        agency_id: UUID | None,
        purpose: str,
        channel: str,
    ) -> None:
        """Keeps the read durably (returns once committed); the log gets it with its burst."""
        self._db.run(
            f"INSERT INTO hub_pending_reads ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                str(person_id),
                reader,
                role,
                str(agency_id) if agency_id else None,
                purpose,
                channel,
                datetime.now(UTC).isoformat(),
            ),
        )
        self._ensure_started()

    def pending(self) -> list[dict[str, Any]]:
        """The reads not yet appended, as the access log lists them."""
        rows = self._db.run(f"SELECT {COLUMNS} FROM hub_pending_reads")
        keys = ("id", "person_id", "reader", "role", "agency_id", "purpose", "channel", "at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def flush(self) -> int:
        """Appends every read waiting, one event per reader per burst; returns how many."""
        with self._flush_lock:
            self._db.run(
                "UPDATE hub_pending_reads SET burst = ? WHERE burst IS NULL", (str(uuid.uuid4()),)
            )
            rows = self._db.run(
                f"SELECT burst, {COLUMNS} FROM hub_pending_reads WHERE burst IS NOT NULL"
            )
            bursts: defaultdict[str, list[tuple[Any, ...]]] = defaultdict(list)
            for row in rows:
                bursts[row[0]].append(row[1:])
            for burst, reads in bursts.items():
                try:
                    self._hub.save(*events_of(UUID(burst), reads))
                except IntegrityError:
                    log.info("read burst %s was already in the log", burst)
                self._db.run("DELETE FROM hub_pending_reads WHERE burst = ?", (burst,))
            return len(rows)

    def start(self) -> None:
        """Starts appending every ``interval`` seconds (the serving process only)."""
        self._ensure_started()

    def _ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._run, name="read-log", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.flush()
            except Exception:  # the log is away: the reads wait in the table
                log.warning("reads of personal data not appended yet; retrying", exc_info=True)

    def flush_quietly(self) -> None:
        """Appends what is left if the log answers; else the reads wait for the next start."""
        try:
            self.flush()
        except Exception:
            log.warning("reads of personal data left for the next start", exc_info=True)

    def close(self) -> None:
        """Stops the thread and, if this process appends, appends what is left."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self.flush_quietly()
        self._db.close()


def events_of(burst: UUID, rows: list[tuple[Any, ...]]) -> list[PersonalDataReads]:
    """One event per reader (with role, agency and channel) of a burst's rows."""
    by_reader: defaultdict[tuple[str, str, str | None, str], list[dict[str, Any]]]
    by_reader = defaultdict(list)
    for read_id, person_id, reader, role, agency_id, purpose, channel, at in sorted(
        rows, key=lambda r: r[7]
    ):
        by_reader[(reader, role, agency_id, channel)].append(
            {"id": read_id, "person_id": person_id, "at": at, "purpose": purpose}
        )
    return [
        PersonalDataReads.record(
            burst=burst,
            reader=reader,
            role=role,
            agency_id=UUID(agency_id) if agency_id else None,
            channel=channel,
            reads=reads,
        )
        for (reader, role, agency_id, channel), reads in by_reader.items()
    ]
