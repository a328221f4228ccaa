"""The ``hub`` command: serve the API, run the demo, issue tokens, show a case's history.

Reports for officials are in Simplified Chinese by default; ``--lang en`` gives English.
Every command that reads the hub's data takes ``--data-dir`` like ``hub serve``.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

import typer

from hub.cli.audit import audit_app, person_app
from hub.cli.backup import backup_app
from hub.cli.cases import case_app
from hub.cli.common import DataDir, Lang, console, fail, settings_for
from hub.cli.feeds import dlq_app, replies_app, router_app
from hub.cli.find import find_person, list_cases
from hub.cli.log import app as log_app
from hub.cli.notifications import notifications_app
from hub.cli.projections import projections_app
from hub.cli.reports import report_app
from hub.cli.tokens import token_app
from hub.cli.users import user_app
from hub.cli.wages import wages_app
from hub.settings import Settings

app = typer.Typer(help="救助衔接转介平台 — the referral hub", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(user_app, name="user")
app.add_typer(case_app, name="case")
app.add_typer(audit_app, name="audit")
app.add_typer(person_app, name="person")
app.add_typer(router_app, name="router")
app.add_typer(replies_app, name="replies")
app.add_typer(dlq_app, name="dlq")
app.add_typer(projections_app, name="projections")
app.add_typer(notifications_app, name="notifications")
app.add_typer(log_app, name="log")
app.add_typer(wages_app, name="wages")
app.add_typer(report_app, name="report")
app.add_typer(backup_app, name="backup")
case_app.command("list")(list_cases)
person_app.command("find")(find_person)

Host = Annotated[str | None, typer.Option(help="default: 127.0.0.1")]
Port = Annotated[int | None, typer.Option(help="default: 8000")]

LABELS = {
    "zh": {
        "agency": "单位",
        "token": "令牌",
        "serving": "服务已启动",
        "loaded": "已载入七个场景及塔城联席会议",
    },
    "en": {
        "agency": "agency",
        "token": "token",
        "serving": "serving",
        "loaded": "loaded the seven scenarios and the Tacheng joint meeting",
    },
}


def _serve(settings: Settings, services: Any) -> None:
    import uvicorn

    from hub import metrics
    from hub.api.app import create_app

    api = create_app(services)
    if settings.metrics_port is not None:
        metrics.serve_separately(
            settings.metrics_host, settings.metrics_port, api.state.metrics_registry
        )
    console.print(f"{LABELS['zh']['serving']} / serving: http://{settings.host}:{settings.port}")
    console.print(f"工作台 / console: http://{settings.host}:{settings.port}/console/")
    uvicorn.run(
        api,
        host=settings.host,
        port=settings.port,
        log_config=None,  # uvicorn's lines go through the hub's JSON handler
        access_log=False,  # the API writes its own request lines, without paths
    )


def _elsewhere(settings: Settings, projections: bool, notifications: bool = True) -> list[str]:
    """What this ``hub serve`` leaves to other processes, to say at start."""
    if settings.kafka_bootstrap_servers:
        return [
            "hub projections run  (投影 projection worker)",
            "hub router run  (路由 agency topics)",
            "hub notifications run  (通知 notifier)",
        ]
    return ([] if projections else ["hub projections run  (投影 projection worker)"]) + (
        [] if notifications else ["hub notifications run  (通知 notifier)"]
    )


@app.command()
def serve(
    data_dir: DataDir = None,
    host: Host = None,
    port: Port = None,
    replies: Annotated[
        bool, typer.Option(help="on Kafka: apply agencies' answers from their replies topics")
    ] = True,
    projections: Annotated[
        bool,
        typer.Option(
            help="on the embedded log: keep the views current in this process "
            "(--no-projections: a separate `hub projections run` does)"
        ),
    ] = True,
    notifications: Annotated[
        bool,
        typer.Option(
            help="on the embedded log: notify officials from this process "
            "(--no-notifications: a separate `hub notifications run` does)"
        ),
    ] = True,
) -> None:
    """Serve the API (creates the embedded database on first run).

    On the embedded log this one process is the whole hub: it also runs the projection worker
    and the notifier (in threads), unless ``--no-projections`` / ``--no-notifications``. On the Kafka log the projection worker and the
    router are separate processes (as in compose), and this process, the log's single writer,
    applies the agencies' answers from ``{prefix}.replies.<agency_id>`` (in a thread), unless
    ``--no-replies``.
    """
    from hub import logs
    from hub.bootstrap import (
        build,
        start_background_applier,
        start_notifier,
        start_projection_worker,
    )

    settings = settings_for(data_dir, host, port)
    logs.configure(settings.log_level)
    services = build(settings)
    stop = threading.Event()
    applier = None
    try:
        for piece in _elsewhere(settings, projections, notifications):
            console.print(f"另需运行 / expected elsewhere: {piece}")
        if projections and not settings.kafka_bootstrap_servers:
            start_projection_worker(settings, stop)
        if notifications and not settings.kafka_bootstrap_servers:
            start_notifier(settings, stop)
        if replies:
            applier = start_background_applier(settings, services.hub)
        _serve(settings, services)
    finally:
        stop.set()
        if applier is not None:
            applier.close()
        services.close()


Synthetic = Annotated[
    int,
    typer.Option(
        "--synthetic",
        min=0,
        max=100_000,
        help="after the scenarios, N synthetic people across Xinjiang's counties over the last "
        "year (合成演示数据); 0: none",
    ),
]


@app.command()
def demo(
    data_dir: DataDir = None,
    host: Host = None,
    port: Port = None,
    lang: Lang = "zh",
    synthetic: Synthetic = 0,
) -> None:
    """Load the seven scenarios of DOMAIN.md (and with ``--synthetic N`` a seeded synthetic
    history), print the demo agencies' tokens, then serve (with the projection worker and the
    notifier beside the server, as ``hub serve`` on the embedded log)."""
    from hub import logs
    from hub.bootstrap import build, start_notifier, start_projection_worker
    from hub.demo.loader import DemoNotLoadable, load_demo

    settings = settings_for(data_dir, host, port)
    services = build(settings)
    stop = threading.Event()
    try:
        try:
            tokens = load_demo(services, synthetic=synthetic)
        except DemoNotLoadable as e:
            fail(str(e))
        labels = LABELS[lang]
        console.print(f"[bold]{labels['loaded']}[/bold] ({labels['agency']}: {labels['token']})")
        for name, token in tokens.items():
            typer.echo(f"{name}: {token}")
        # JSON log lines from here on: the load above is not logged request by request
        logs.configure(settings.log_level)
        start_projection_worker(settings, stop)
        start_notifier(settings, stop)
        _serve(settings, services)
    finally:
        stop.set()
        services.close()


def main() -> None:
    app()
