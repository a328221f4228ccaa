"""``hub audit …`` and ``hub person …``: verify, replay, erase, and read a person on the record."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

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
    output_format: Annotated[str, typer.Option("--format", help="table, jsonl or pdf")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write")] = None,
    data_dir: DataDir = None,
    lang: Lang = "zh",
) -> None:
    """Show a case as it stood at a time: every event, who did it, when, and verification."""
    from hub.audit.export import to_jsonl, to_pdf

    if output_format not in ("table", "jsonl", "pdf"):
        fail("--format is table, jsonl or pdf")
    if output_format == "pdf" and output is None:
        fail("a PDF needs --output FILE")
    if as_of is not None and as_of.tzinfo is None:
        fail("--as-of needs a time zone, e.g. 2021-10-21T00:00:00+08:00")
    with open_hub(data_dir) as hub:
        result = hub.replay_case(parse_uuid(case_id, "case"), as_of)
    if output_format == "jsonl":
        data = to_jsonl(result)
        output.write_bytes(data) if output else typer.echo(data.decode(), nl=False)
        return
    if output_format == "pdf":
        assert output is not None
        output.write_bytes(to_pdf(result, lang))
        console.print(f"{output}")
        return
    table = Table(title=f"{'案件' if lang == 'zh' else 'case'} {case_id}")
    for column in ("at", "kind", "event", "who"):
        table.add_column(column)
    for e in result["events"]:
        who = json.dumps(e["who"], ensure_ascii=False)
        table.add_row(e["at"][:19], e["kind"], e["event"], who)
    console.print(table)
    ok = result["verification"]["ok"]
    console.print("校验通过 verified" if ok else "[red]校验未通过 verification failed[/red]")


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
