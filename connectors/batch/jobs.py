"""The two batch jobs as the command line runs them: export the feed, import answers.

Both are one-shot: ``export_referrals`` handles the feed until it has nothing more (through
the same runner as every connector, so positions commit only after a row is on disk) and
renders the day's XLSX; ``import_answers`` checks a file, applies its good rows through the
reply sink and writes the report beside it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from connectors.batch.answers import Problem, check_file
from connectors.batch.export import CHINA, BatchExporter, china_today
from connectors.batch.importer import RowResult, apply, write_report
from connectors.batch.ledger import Ledger
from connectors.details import DetailsReader
from connectors.settings import ConnectorSettings
from connectors.sinks import ReplySink
from connectors.wiring import Parts, build_runner


def ledger_for(settings: ConnectorSettings) -> Ledger:
    return Ledger(settings.state_dir / f"ledger-{settings.agency_id}.sqlite")


@dataclass(frozen=True)
class Exported:
    referral_ids: list[str]
    files: list[Path]
    dead: int


def export_referrals(
    settings: ConnectorSettings,
    parts: Parts,
    details: DetailsReader,
    ledger: Ledger,
    today: date | None = None,
) -> Exported:
    exporter = BatchExporter(
        ledger, details, settings.batch_dir, (lambda: today) if today else china_today
    )
    runner = build_runner(exporter, parts, settings, threading.Event())
    runner.poll_timeout = 0.0 if settings.transport == "http" else 1.0
    runner.drain()
    return Exported(exporter.exported, exporter.finish(), runner.stats["dead"])


@dataclass(frozen=True)
class Imported:
    results: list[RowResult]
    file_problems: list[Problem]
    report: Path | None

    @property
    def applied(self) -> int:
        return sum(r.applied for r in self.results)

    @property
    def failed(self) -> int:
        return sum(not r.applied and r.result[1] != "nothing to send" for r in self.results)


def import_answers(
    path: Path, settings: ConnectorSettings, sink: ReplySink, ledger: Ledger
) -> Imported:
    checked, problems = check_file(path, ledger, settings.agency_id, settings.batch_actor)
    if problems:
        return Imported([], problems, None)
    results = apply(checked, sink)
    stamp = datetime.now(CHINA).strftime("%Y%m%d-%H%M%S")
    report = write_report(results, path.with_name(f"{path.stem}-导入结果-{stamp}.csv"))
    return Imported(results, [], report)
