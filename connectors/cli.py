"""``hub-connector``: the connector's console entry point.

Settings come from ``HUB_CONNECTOR_*`` environment variables (:mod:`connectors.settings`,
documented in ``docs/connectors.md``); the global options below override single ones.

    hub-connector run mypackage.agency:MyAgency      # an SDK connector class
    hub-connector run-webhook                        # forward to HUB_CONNECTOR_WEBHOOK_URL
    hub-connector batch export                       # today's referrals to CSV and XLSX
    hub-connector batch import answers.xlsx          # apply a filled-in answers file
    hub-connector dead-letters                       # the local dead letters (HTTP transport)
    hub-connector settings                           # the settings in effect (secrets hidden)

Messages for officials are in Chinese with English beside them.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from connectors.errors import ConfigurationError, Retryable
from connectors.runtime import Connector
from connectors.settings import ConnectorSettings
from connectors.wiring import build_parts, build_runner, build_sink, dead_letter_file

app = typer.Typer(help="The hub's connector for one agency. 机构对接程序。", no_args_is_help=True)
batch = typer.Typer(help="Batch files for agencies without an IT system. 批量文件。")
app.add_typer(batch, name="batch")
console = Console()
SECRETS = ("token", "kafka_password", "webhook_secret")


@app.callback()
def options(
    ctx: typer.Context,
    agency_id: Annotated[str | None, typer.Option(help="HUB_CONNECTOR_AGENCY_ID")] = None,
    transport: Annotated[str | None, typer.Option(help="http or kafka")] = None,
    hub_url: Annotated[str | None, typer.Option(help="HUB_CONNECTOR_HUB_URL")] = None,
    kafka_bootstrap: Annotated[
        str | None, typer.Option(help="HUB_CONNECTOR_KAFKA_BOOTSTRAP")
    ] = None,
    topic_prefix: Annotated[str | None, typer.Option(help="HUB_CONNECTOR_TOPIC_PREFIX")] = None,
    state_dir: Annotated[Path | None, typer.Option(help="HUB_CONNECTOR_STATE_DIR")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    try:
        ctx.obj = ConnectorSettings.from_env(
            agency_id=agency_id,
            transport=transport,
            hub_url=hub_url,
            kafka_bootstrap=kafka_bootstrap,
            topic_prefix=topic_prefix,
            state_dir=state_dir,
        )
    except ConfigurationError as error:
        _fail(error)


def _fail(error: Exception) -> None:
    console.print(f"[red]错误 Error:[/red] {error}")
    raise typer.Exit(2)


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM while the block runs (handlers restored after)."""
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = [signal.signal(sig, lambda *_: stop.set()) for sig in signals]
    try:
        yield stop
    finally:
        for sig, handler in zip(signals, previous, strict=True):
            signal.signal(sig, handler)


def _run(settings: ConnectorSettings, connector: Connector, until_idle: bool) -> None:
    with _stop_on_signals() as stop:
        try:
            parts = build_parts(settings, stop)
        except ConfigurationError as error:
            _fail(error)
        runner = build_runner(connector, parts, settings, stop)
        try:
            runner.drain() if until_idle else runner.run()
        except (ConfigurationError, Retryable) as error:
            _fail(error)
        finally:
            parts.close()
    stats = runner.stats
    console.print(
        f"已处理 handled {stats['committed']}，答复 replies {stats['replies']}，"
        f"死信 dead letters {stats['dead']}"
    )


UntilIdle = Annotated[bool, typer.Option(help="stop when the feed has nothing more")]


@app.command()
def run(
    ctx: typer.Context,
    connector: Annotated[str, typer.Argument(help="module:Class, a subclass of Connector")],
    until_idle: UntilIdle = False,
) -> None:
    """Runs an SDK connector class (constructed without arguments) on the feed."""
    module, _, name = connector.partition(":")
    cls = getattr(importlib.import_module(module), name or "Connector", None)
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        _fail(ConfigurationError(f"{connector} is not a subclass of connectors.Connector"))
    _run(ctx.obj, cls(), until_idle)  # type: ignore[misc]


@app.command("run-webhook")
def run_webhook(ctx: typer.Context, until_idle: UntilIdle = False) -> None:
    """POSTs each record to the agency's URL, signed; serves the signed answer callback."""
    from connectors.webhook.callback import CallbackServer
    from connectors.webhook.forwarder import WebhookConnector

    settings: ConnectorSettings = ctx.obj
    try:
        settings.require("agency_id", "webhook_url", "webhook_secret")
        sink = build_sink(settings)
    except ConfigurationError as error:
        _fail(error)
    server = CallbackServer(
        settings.agency_id,
        settings.webhook_secret,
        sink,
        settings.callback_host,
        settings.callback_port,
        settings.signature_max_age,
    ).start()
    console.print(f"回调地址 callback: http://{settings.callback_host}:{server.port}/referrals/…")
    webhook = WebhookConnector(settings.webhook_url, settings.webhook_secret)
    try:
        _run(settings, webhook, until_idle)
    finally:
        server.stop()
        webhook.close()
        sink.close()


@batch.command("export")
def batch_export(ctx: typer.Context) -> None:
    """Writes new referrals to today's CSV and XLSX. 导出新的转介到当日文件。"""
    from connectors.batch.jobs import export_referrals, ledger_for
    from connectors.details import DetailsReader, HubDetails, NoDetails
    from connectors.hubapi import HubClient

    settings: ConnectorSettings = ctx.obj
    try:
        parts = build_parts(settings)
    except ConfigurationError as error:
        _fail(error)
    details: DetailsReader = HubDetails(HubClient(settings)) if settings.token else NoDetails()
    ledger = ledger_for(settings)
    try:
        exported = export_referrals(settings, parts, details, ledger)
    except (ConfigurationError, Retryable) as error:
        _fail(error)
    finally:
        parts.close()
        ledger.close()
    console.print(f"新转介 new referrals: {len(exported.referral_ids)}")
    for path in exported.files:
        console.print(f"  {path}")
    if exported.dead:
        console.print(f"[yellow]死信 dead letters: {exported.dead}[/yellow]")


@batch.command("import")
def batch_import(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX")],
) -> None:
    """Applies a filled-in answers file; reports each bad row. 导入答复文件。"""
    from connectors.batch.jobs import import_answers, ledger_for

    settings: ConnectorSettings = ctx.obj
    try:
        sink = build_sink(settings)
    except ConfigurationError as error:
        _fail(error)
    ledger = ledger_for(settings)
    try:
        imported = import_answers(path, settings, sink, ledger)
    except ConfigurationError as error:
        _fail(error)
    finally:
        sink.close()
        ledger.close()
    for zh, en in imported.file_problems:
        console.print(f"[red]文件错误 File error:[/red] {zh} / {en}")
    table = Table("行号 Row", "转介编号 Referral", "结果 Result", "说明 Detail")
    for r in imported.results:
        table.add_row(str(r.row), r.referral_id, f"{r.result[0]} / {r.result[1]}", r.text())
    console.print(table)
    console.print(f"已提交 applied {imported.applied}，未提交 not applied {imported.failed}")
    if imported.report:
        console.print(f"报告 report: {imported.report}")
    if imported.file_problems or imported.failed:
        raise typer.Exit(1)


@app.command("dead-letters")
def dead_letters(ctx: typer.Context) -> None:
    """Lists the local dead letters (HTTP transport; on Kafka read the .dlq topic)."""
    from connectors.deadletters import FileDeadLetters

    settings: ConnectorSettings = ctx.obj
    table = Table("时间 At", "错误 Error", "次数 Attempts", "记录 Record", "说明 Detail")
    for d in FileDeadLetters(dead_letter_file(settings)).read():
        record = d["record"]
        name = record.get("event_id", "") if isinstance(record, dict) else "(invalid)"
        table.add_row(d["at"], d["error"], str(d["attempts"]), name, d["detail"][:120])
    console.print(table)


@app.command("settings")
def show_settings(ctx: typer.Context) -> None:
    """The settings in effect (secrets hidden)."""
    values: dict[str, Any] = asdict(ctx.obj)
    for name, value in values.items():
        shown = "***" if name in SECRETS and value else value
        console.print(f"HUB_CONNECTOR_{name.upper()}={shown}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
