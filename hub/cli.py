"""The ``hub`` command: serve the API, run the demo, issue tokens, show a case's history.

Reports for officials are in Simplified Chinese by default; ``--lang en`` gives English.
Every command that reads the hub's data takes ``--data-dir`` like ``hub serve``.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import typer
from rich.table import Table

from hub.access import Role
from hub.audit.export import who
from hub.cli_audit import audit_app, person_app
from hub.cli_common import DataDir, Lang, console, fail, open_hub, parse_uuid, settings_for
from hub.cli_ops import dlq_app, replies_app, router_app
from hub.cli_projections import projections_app
from hub.cli_users import list_tokens, revoke_token, rotate_token, user_app
from hub.eventlog.cli import app as log_app
from hub.settings import Settings

if TYPE_CHECKING:
    from hub.app import ReliefHub

app = typer.Typer(help="救助衔接转介平台 — the referral hub", no_args_is_help=True)
token_app = typer.Typer(help="Issue tokens for agencies and operators", no_args_is_help=True)
case_app = typer.Typer(help="Read aid cases", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(user_app, name="user")
token_app.command("revoke")(revoke_token)
token_app.command("rotate")(rotate_token)
token_app.command("list")(list_tokens)
app.add_typer(case_app, name="case")
app.add_typer(audit_app, name="audit")
app.add_typer(person_app, name="person")
app.add_typer(router_app, name="router")
app.add_typer(replies_app, name="replies")
app.add_typer(dlq_app, name="dlq")
app.add_typer(projections_app, name="projections")
app.add_typer(log_app, name="log")

Host = Annotated[str | None, typer.Option(help="default: 127.0.0.1")]
Port = Annotated[int | None, typer.Option(help="default: 8000")]

EVENT_NAMES_ZH = {
    "LeadReceived": "受理线索/申请",
    "InquiryRecorded": "询问",
    "Reviewed": "审查",
    "HearingHeld": "听证",
    "SubmittedForApproval": "报批",
    "MeetingRecorded": "检察长办公会/严格审查",
    "ApprovalDecided": "审批",
    "ReliefGranted": "决定救助",
    "ReliefRefused": "决定不予救助",
    "ReliefDisbursed": "发放救助金",
    "FollowUpRecorded": "回访",
    "CaseClosed": "结案",
}

LABELS = {
    "zh": {
        "version": "版本",
        "event": "事件",
        "at": "时间",
        "details": "内容",
        "by": "经办人",
        "agency": "单位",
        "token": "令牌",
        "case": "案件",
        "stage": "阶段",
        "serving": "服务已启动",
        "loaded": "已载入七个场景",
    },
    "en": {
        "version": "version",
        "event": "event",
        "at": "at",
        "details": "details",
        "by": "by",
        "agency": "agency",
        "token": "token",
        "case": "case",
        "stage": "stage",
        "serving": "serving",
        "loaded": "loaded the seven scenarios",
    },
}


def _serve(settings: Settings, services: Any) -> None:
    import uvicorn

    from hub.api.app import create_app

    console.print(f"{LABELS['zh']['serving']} / serving: http://{settings.host}:{settings.port}")
    uvicorn.run(create_app(services), host=settings.host, port=settings.port, log_level="info")


@app.command()
def serve(
    data_dir: DataDir = None,
    host: Host = None,
    port: Port = None,
    replies: Annotated[
        bool, typer.Option(help="on Kafka: apply agencies' answers from their replies topics")
    ] = True,
) -> None:
    """Serve the API (creates the embedded database on first run).

    On the Kafka log this process is the log's single writer, so it also applies the
    agencies' answers from ``{prefix}.replies.<agency_id>`` (in a thread), unless
    ``--no-replies``.
    """
    from hub.bootstrap import build, start_background_applier

    settings = settings_for(data_dir, host, port)
    services = build(settings)
    applier = None
    try:
        if replies:
            applier = start_background_applier(settings, services.hub)
        _serve(settings, services)
    finally:
        if applier is not None:
            applier.close()
        services.close()


@app.command()
def demo(data_dir: DataDir = None, host: Host = None, port: Port = None, lang: Lang = "zh") -> None:
    """Load the seven scenarios of DOMAIN.md, print the demo agencies' tokens, then serve."""
    from hub.bootstrap import build
    from hub.demo.loader import DemoNotLoadable, load_demo, start_projection_worker

    settings = settings_for(data_dir, host, port)
    services = build(settings)
    stop = threading.Event()
    try:
        try:
            tokens = load_demo(services)
        except DemoNotLoadable as e:
            fail(str(e))
        labels = LABELS[lang]
        console.print(f"[bold]{labels['loaded']}[/bold] ({labels['agency']}: {labels['token']})")
        for name, token in tokens.items():
            typer.echo(f"{name}: {token}")
        start_projection_worker(settings, stop)
        _serve(settings, services)
    finally:
        stop.set()
        services.close()


@token_app.command("issue")
def issue_token(
    agency: Annotated[str | None, typer.Argument(help="agency name or id")] = None,
    role: Annotated[str, typer.Option(help="staff, connector, auditor or admin")] = "staff",
    label: Annotated[str | None, typer.Option(help="who holds the token")] = None,
    connector: Annotated[
        str | None, typer.Option("--connector", help="a connector's token for this AGENCY")
    ] = None,
    days: Annotated[int | None, typer.Option(help="lifetime in days (default: none)")] = None,
    data_dir: DataDir = None,
) -> None:
    """Issue a token; it is printed once and stored only hashed (its id goes to stderr).

    ``--connector AGENCY`` issues a connector's machine token; an admin token with no agency is
    the break-glass token for first start (officials then sign in as themselves)."""
    from hub.bootstrap import build

    if connector is not None:
        agency, role = connector, Role.CONNECTOR.value
    if days is not None and days <= 0:
        fail("a token lives a positive number of days")
    try:
        chosen = Role(role)
    except ValueError:
        fail(f"unknown role {role!r}: staff, connector, auditor or admin")
    services = build(settings_for(data_dir))
    try:
        agency_id = None
        if chosen in (Role.STAFF, Role.CONNECTOR):
            if not agency:
                fail("staff and connector tokens need an AGENCY (name or id)")
            agency_id = _find_agency(services.hub, str(agency))
        elif agency:
            fail(f"{chosen.value} tokens belong to no agency; leave AGENCY out")
        issued = services.access.issue_token(
            chosen,
            agency_id,
            label or agency or chosen.value,
            expires_in=None if days is None else days * 86400.0,
        )
        typer.echo(f"token id: {issued.token_id}", err=True)
        typer.echo(issued.token)
    finally:
        services.close()


def _find_agency(hub: ReliefHub, agency: str) -> UUID:
    from domain.agency import Agency
    from domain.errors import NotFound

    try:
        candidate = UUID(agency)
    except ValueError:
        candidate = Agency.id_for(agency)
    try:
        hub.get_agency(candidate)
    except NotFound:
        fail(f"no agency {agency!r}")
    return candidate


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


def main() -> None:
    app()
