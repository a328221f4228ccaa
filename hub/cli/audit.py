"""``hub audit …`` and ``hub person …``: verify, replay, erase, and read a person on the record."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from hub.cli.common import DataDir, Lang, console, fail, open_hub, parse_uuid, settings_for

audit_app = typer.Typer(help="审计 Audit: verify the log, replay a case", no_args_is_help=True)
person_app = typer.Typer(help="当事人 Persons: read on the record, erase", no_args_is_help=True)

Offline = Annotated[
    bool, typer.Option("--offline", help="on Kafka: no hub serve runs now (this writes the log)")
]


def refuse_second_writer(data_dir: DataDir, offline: bool, instead: str) -> None:
    """On Kafka, ``hub serve`` is the log's one writer; a command that writes would fence it."""
    if settings_for(data_dir).kafka_bootstrap_servers and not offline:
        fail(
            "on the Kafka log the running hub is the log's single writer and this command "
            f"writes to the log: use the API ({instead}), or pass --offline if no hub runs"
        )


PROBLEMS_ZH = {"changed": "被篡改", "missing": "缺失", "reordered": "顺序错乱"}


@audit_app.command("verify")
def verify(
    case: Annotated[str | None, typer.Option("--case", help="only this case's streams")] = None,
    data_dir: DataDir = None,
    lang: Lang = "zh",
) -> None:
    """Check every stream's hash chain; exit status 1 on any finding."""
    with open_hub(data_dir) as hub:
        case_id = parse_uuid(case, "case") if case else None
        total = None if case_id else hub.recorder.max_notification_id() or 0
        label = "校验事件" if lang == "zh" else "verifying events"
        with Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task(label, total=total)
            report = hub.verify_log(case_id, progress=lambda n: bar.advance(task, n))
    if report.ok:
        done = "校验通过" if lang == "zh" else "verified"
        console.print(f"[green]{done}[/green]: {report.checked} events, {report.streams} streams")
        return
    table = Table(title="校验未通过 verification failed" if lang == "zh" else "verification failed")
    for column in ("position", "stream", "version", "problem", "detail"):
        table.add_column(column)
    for f in report.findings:
        problem = f"{PROBLEMS_ZH[f.problem]} {f.problem}" if lang == "zh" else f.problem
        table.add_row(str(f.position or "-"), f.stream, str(f.version), problem, f.detail)
    console.print(table)
    raise typer.Exit(1)


@audit_app.command("replay")
def replay(
    case_id: Annotated[str, typer.Argument(help="the case id")],
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", help="ISO time, e.g. 2021-10-21T00:00:00+08:00")
    ] = None,
    basis: Annotated[
        str,
        typer.Option(
            "--basis", help="recorded (when the hub recorded it) or business (when it happened)"
        ),
    ] = "recorded",
    output_format: Annotated[str, typer.Option("--format", help="table, jsonl or pdf")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write")] = None,
    data_dir: DataDir = None,
    lang: Lang = "zh",
) -> None:
    """Show a case as it stood at a time: every event, who did it, when, and verification."""
    from hub.audit.export import to_jsonl, to_pdf
    from hub.audit.fonts import ReportFontMissing

    if basis not in ("recorded", "business"):
        fail("--basis is recorded or business")
    if output_format not in ("table", "jsonl", "pdf"):
        fail("--format is table, jsonl or pdf")
    if lang not in ("zh", "en"):
        fail("--lang is zh or en")
    if output_format == "pdf" and output is None:
        fail("a PDF needs --output FILE")
    if as_of is not None and as_of.tzinfo is None:
        fail("--as-of needs a time zone, e.g. 2021-10-21T00:00:00+08:00")
    with open_hub(data_dir) as hub:
        result = hub.replay_case(parse_uuid(case_id, "case"), as_of, basis)
    if output_format == "jsonl":
        data = to_jsonl(result)
        output.write_bytes(data) if output else typer.echo(data.decode(), nl=False)
        return
    if output_format == "pdf":
        assert output is not None
        try:
            output.write_bytes(to_pdf(result, lang))
        except ReportFontMissing as e:
            fail(str(e))
        console.print(f"{output}")
        return
    print_replay(result, lang)


def print_replay(replay: dict[str, Any], lang: str) -> None:
    """The replay as a table for people: business date, China time, event, who, details."""
    from hub.audit.reading import read_replay, word

    reading = read_replay(replay, lang)
    title = f"{word('title', lang)}: " + " · ".join(f"{k} {v}" for k, v in reading.facts[:3])
    table = Table(title=title, caption=f"{word('as_of', lang)} {reading.as_of}")
    for key in ("no", "business_day", "recorded_at", "event", "who", "details"):
        table.add_column(word(key, lang))
    for r in reading.rows:
        details = "\n".join(f"{k}: {v}" for k, v in r.details)
        table.add_row(
            str(r.number), r.business_day, r.recorded_at, r.event, "\n".join(r.who), details
        )
    console.print(table)
    for k, v in reading.facts[3:7]:
        console.print(f"{k}: {v}")
    verdict = f"{word('verification', lang)}: {reading.verification}"
    console.print(verdict if reading.verified else f"[red]{verdict}[/red]")
    for finding in reading.findings:
        console.print(f"[red]{finding}[/red]")


@person_app.command("erase")
def erase(
    person_id: Annotated[str, typer.Argument(help="the person id")],
    legal_basis: Annotated[str, typer.Option("--legal-basis", help="法律依据, recorded")],
    by: Annotated[str, typer.Option("--by", help="the administrator erasing")],
    data_dir: DataDir = None,
    offline: Offline = False,
) -> None:
    """Destroy a person's data key: they read as erased everywhere; history stays."""
    refuse_second_writer(data_dir, offline, "POST /persons/{id}/erase")
    with open_hub(data_dir) as hub:
        hub.erase_person(parse_uuid(person_id, "person"), legal_basis, by)
    console.print(f"erased {person_id}")


@person_app.command("show")
def show(
    person_id: Annotated[str, typer.Argument(help="the person id")],
    purpose: Annotated[str, typer.Option("--purpose", help="why you read it; recorded")],
    by: Annotated[str, typer.Option("--by", help="who reads; recorded")],
    data_dir: DataDir = None,
    offline: Offline = False,
) -> None:
    """Read a person's details; the read is recorded in the access log."""
    refuse_second_writer(data_dir, offline, "GET /persons/{id} with X-Purpose")
    with open_hub(data_dir) as hub:
        pid = parse_uuid(person_id, "person")
        person = hub.get_person(pid)
        hub.record_personal_read(pid, by, "admin", None, purpose, "cli")
    typer.echo(json.dumps(person, ensure_ascii=False, indent=1))
