"""The export: new referrals to the agency into the day's files, as a connector on the feed.

:class:`BatchExporter` runs on any feed source like any connector. A ``referral.requested``
record for this agency becomes a row of ``referrals-<day>.csv`` (day in China Standard Time,
the day of the export) — with the reason, the person and the contact read from the hub's API —
and an entry in the ledger; every other record updates the ledger's status. After a run
:meth:`BatchExporter.finish` renders the day's XLSX from its CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from connectors.batch.files import append_row, render_xlsx
from connectors.batch.labels import REFERRAL_COLUMNS, service_labels
from connectors.batch.ledger import Ledger
from connectors.details import DetailsReader
from connectors.records import FeedRecord, Reply
from connectors.runtime import Connector

CHINA = timezone(timedelta(hours=8), "CST")


def china_today() -> date:
    return datetime.now(CHINA).date()


def files_of(directory: Path, day: date) -> tuple[Path, Path]:
    stem = directory / f"referrals-{day.isoformat()}"
    return stem.with_suffix(".csv"), stem.with_suffix(".xlsx")


class BatchExporter(Connector):
    def __init__(
        self,
        ledger: Ledger,
        details: DetailsReader,
        directory: Path,
        today: Callable[[], date] = china_today,
    ) -> None:
        self.ledger = ledger
        self.details = details
        self.directory = directory
        self.today = today
        self.exported: list[str] = []
        self.days: set[date] = set()

    def handle(self, record: FeedRecord) -> list[Reply]:
        if not record.incoming:
            self.ledger.update(record)
            return []
        if self.ledger.get(record.referral_id) is not None:
            return []  # exported before (the record came again)
        day = self.today()
        append_row(files_of(self.directory, day)[0], self._row(record))
        self.ledger.add(record, day.isoformat())
        self.exported.append(record.referral_id)
        self.days.add(day)
        return []

    def finish(self) -> list[Path]:
        """Renders the XLSX of each day that got rows; the paths of the files written."""
        written: list[Path] = []
        for day in sorted(self.days):
            csv_path, xlsx_path = files_of(self.directory, day)
            render_xlsx(csv_path, xlsx_path)
            written += [csv_path, xlsx_path]
        return written

    def _row(self, record: FeedRecord) -> list[str]:
        data = record.data
        found = self.details.details(record.referral_id, data.get("person_id"))
        at = datetime.fromisoformat(record.at).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
        values = {
            "referral_id": record.referral_id,
            "at": at,
            "requester": str((data.get("requester") or {}).get("name") or ""),
            "reason": found.reason,
            "services": service_labels(list(data.get("services") or [])),
            "due_on": str(data.get("due_on") or ""),
            "person": found.person,
            "contact": found.contact,
            "case_id": record.case_id or "",
        }
        return [values[key] for _, _, key in REFERRAL_COLUMNS]
