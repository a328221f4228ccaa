"""``hub case list`` and ``hub person find``: finding cases and people from the command line.

Labels in Simplified Chinese by default (``--lang en``). A person is looked up by ID number
read from standard input (or a hidden prompt), never from the command line, where it would
stay in the shell's history and the process list; the read is recorded like ``hub person show``.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from hub.cli.audit import Offline, refuse_second_writer
from hub.cli.common import DataDir, Lang, console, fail, open_hub, parse_uuid

LABELS = {
    "zh": {
        "case": "案件",
        "stage": "阶段",
        "received": "受理日期",
        "officers": "承办人",
        "due": "决定期限",
        "next": "还有更多，使用 --cursor {c} 查看下一页",
        "none": "没有符合条件的案件。",
    },
    "en": {
        "case": "case",
        "stage": "stage",
        "received": "received",
        "officers": "officers",
        "due": "decision due",
        "next": "more: --cursor {c} for the next page",
        "none": "No case matches.",
    },
}


def list_cases(
    procuratorate: Annotated[str, typer.Option("--procuratorate", help="its id")],
    stage: Annotated[str | None, typer.Option(help="received, inquired, …, closed")] = None,
    officer: Annotated[
        str | None, typer.Option(help="an official who acted on it (their name)")
    ] = None,
    due_before: Annotated[
        str | None, typer.Option("--due-before", help="decision due on or before (YYYY-MM-DD)")
    ] = None,
    cursor: Annotated[int, typer.Option(min=0, help="from a previous page's cursor")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    data_dir: DataDir = None,
    lang: Lang = "zh",
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
) -> None:
    """A procuratorate's cases by stage, officer and decision deadline."""
    from domain.case import Stage

    if lang not in LABELS:
        fail(f"--lang is zh or en, not {lang!r}")
    if stage is not None and stage not in {s.value for s in Stage}:
        fail(f"stage {stage!r} is not one of: {', '.join(s.value for s in Stage)}")
    due = None
    if due_before is not None:
        try:
            due = date.fromisoformat(due_before)
        except ValueError:
            fail(f"--due-before {due_before!r} is not a date (YYYY-MM-DD)")
    with open_hub(data_dir) as hub:
        page = hub.list_cases(
            parse_uuid(procuratorate, "procuratorate"),
            stage=stage,
            officer=officer,
            due_before=due,
            cursor=cursor,
            limit=limit,
        )
    if as_json:
        typer.echo(json.dumps(page, ensure_ascii=False))
        return
    labels = LABELS[lang]
    if not page["items"]:
        console.print(labels["none"])
    else:
        table = Table()
        for column in ("case", "stage", "received", "officers", "due"):
            table.add_column(labels[column])
        for c in page["items"]:
            table.add_row(
                c["id"],
                c["stage"],
                c["received_on"],
                "、".join(c["officers"]),
                c["decision_due_on"] or "—",
            )
        console.print(table)
    if page["next_cursor"]:
        console.print(labels["next"].format(c=page["next_cursor"]))


def find_person(
    purpose: Annotated[str, typer.Option("--purpose", help="why you look her up; recorded")],
    by: Annotated[str, typer.Option("--by", help="who looks; recorded")],
    agency: Annotated[
        str | None, typer.Option("--agency", help="answer as this agency may read (its id)")
    ] = None,
    data_dir: DataDir = None,
    offline: Offline = False,
) -> None:
    """Find a person by ID number (read from standard input); the read is recorded."""
    refuse_second_writer(data_dir, offline, "POST /lookups/persons with X-Purpose")
    if sys.stdin.isatty():
        number = typer.prompt("身份证号 ID number", hide_input=True)
    else:
        number = sys.stdin.readline()
    agency_id = parse_uuid(agency, "agency") if agency else None
    with open_hub(data_dir) as hub:
        person_id = hub.find_person(number.strip(), agency_id)
        if agency_id is None:
            person = hub.get_person(person_id)
        else:
            person = hub.person_for(person_id, agency_id)
        role = "admin" if agency_id is None else "staff"
        hub.record_personal_read(person_id, by, role, agency_id, purpose, "cli")
    typer.echo(json.dumps(person, ensure_ascii=False, indent=1, default=str))
