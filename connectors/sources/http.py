"""The hub's HTTP feed as a feed source (the embedded default, without Kafka).

Long-polls ``GET /agencies/{agency_id}/feed?after=<position>&wait=<seconds>`` with the
agency's token; the hub answers ``{"records": [...], "next": <position>}``. The cursor (the
last position handled) lives in a small JSON file, replaced atomically on each commit, so a
restarted connector resumes where it left off and a record not committed comes again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx

from connectors.errors import ConfigurationError, ReplyRefused
from connectors.hubapi import HubClient
from connectors.records import FeedRecord
from connectors.settings import ConnectorSettings


class CursorFile:
    """The durable cursor: ``{"after": <position>}`` in ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> int:
        try:
            return int(json.loads(self.path.read_text())["after"])
        except FileNotFoundError:
            return 0

    def write(self, after: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "w") as file:
            json.dump({"after": after}, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)


class HttpFeedSource:
    def __init__(
        self,
        settings: ConnectorSettings,
        cursor: CursorFile | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._path = f"/agencies/{settings.agency_id}/feed"
        self._wait = settings.poll_wait
        self._hub = HubClient(settings, transport)
        default = settings.state_dir / f"cursor-{settings.agency_id}.json"
        self.cursor = cursor or CursorFile(default)
        self._after = self.cursor.read()
        self._page_end: dict[int, int] = {}  # last record's position → the page's "next"
        self._empty = False

    def poll(self, timeout: float) -> list[FeedRecord]:
        wait = min(self._wait, timeout)
        try:
            page = self._hub.get(self._path, {"after": self._after, "wait": wait}, wait=wait)
        except ReplyRefused as refused:  # 404: not this token's agency, or no such agency
            raise ConfigurationError(f"the hub refused the feed {self._path}: {refused}") from None
        records = [FeedRecord.from_dict(r, ref=r["position"]) for r in page["records"]]
        after, self._after = self._after, int(page["next"])
        self._empty = not records and self._after == after
        if records:
            self._page_end = {records[-1].position: self._after}
        elif self._after > after:
            self.cursor.write(self._after)  # nothing for this agency up to there
        return records

    def commit(self, record: FeedRecord) -> None:
        self.cursor.write(self._page_end.get(record.position, record.position))

    def keep_alive(self) -> None:
        """Nothing to keep: the cursor is the whole state."""

    def caught_up(self) -> bool:
        return self._empty

    def close(self) -> None:
        self._hub.close()
