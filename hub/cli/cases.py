"""``hub case …``: read an aid case and its history, readable by officials."""

from __future__ import annotations

import json
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table

from hub.audit.export import who
from hub.audit.words import EVENTS
from hub.cli.common import DataDir, Lang, console, open_hub, parse_uuid

case_app = typer.Typer(help="Read aid cases", no_args_is_help=True)

#: the events' Chinese names, from the audit report's words
EVENT_NAMES_ZH = {code: words[0] for code, words in EVENTS.items()}

LABELS = {
    "zh": {
        "version": "版本",
        "event": "事件",
        "at": "时间",
        "details": "内容",
        "by": "经办人",
        "case": "案件",
        "stage": "阶段",
    },
    "en": {
        "version": "version",
        "event": "event",
        "at": "at",
        "details": "details",
        "by": "by",
        "case": "case",
        "stage": "stage",
    },
}


@case_app.command("show")
def show_case(
    case_id: Annotated[str, typer.Argument(help="the case id")],
    data_dir: DataDir = None,
    lang: Lang = "zh",
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
) -> None:
    """Show a case and its history, readable."""
    with open_hub(data_dir) as hub:
        case = hub.get_case(parse_uuid(case_id, "case"))
        history = hub.history(UUID(case_id))
    if as_json:
        typer.echo(json.dumps({"case": case, "history": history}, ensure_ascii=False))
        return
    labels = LABELS[lang]
    console.print(f"{labels['case']} {case['id']} — {labels['stage']}: {case['stage']}")
    table = Table()
    for column in ("version", "event", "at", "by", "details"):
        table.add_column(labels[column])
    for entry in history:
        details = "\n".join(
            f"{k}: {json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v}"
            for k, v in entry["details"].items()
            if v not in (None, "", [])
        )
        name = entry["event"]
        if lang == "zh":
            name = f"{EVENT_NAMES_ZH.get(name, name)} ({name})"
        table.add_row(str(entry["version"]), name, entry["at"][:19], who(entry, lang), details)
    console.print(table)
