"""``hub notifications …``: the notifier as its own process, and the messages that failed."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
from rich.table import Table

from hub.cli.common import DataDir, console, fail, settings_for

notifications_app = typer.Typer(
    help="通知 Notifications: officials told of referrals, answers and deadlines",
    no_args_is_help=True,
)


@notifications_app.command("run")
def run(data_dir: DataDir = None) -> None:
    """Follow the log and notify officials (until interrupted): the notifier's own process,
    on Kafka, or beside a ``hub serve --no-notifications``."""
    from hub import logs
    from hub.bootstrap import run_notifier

    settings = settings_for(data_dir)
    if not (settings.data_dir / "secrets").exists() and settings.env == "development":
        fail(f"no hub data in {settings.data_dir}; run hub serve or hub demo first")
    logs.configure(settings.log_level)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if settings.metrics_port is not None:
        from hub import metrics
        from hub.notify.store import NotifyStore

        counts = NotifyStore(settings.notify_location())
        registry = metrics.process_registry(lambda: metrics.notification_figures(counts.counts()))
        metrics.serve_separately(settings.metrics_host, settings.metrics_port, registry)
    try:
        run_notifier(settings, stop)
    except ValueError as e:
        fail(str(e))


@notifications_app.command("failed")
def failed(data_dir: DataDir = None) -> None:
    """The messages given up on after their attempts (失败的通知), for an administrator."""
    from hub.notify.store import NotifyStore

    store = NotifyStore(settings_for(data_dir).notify_location())
    try:
        rows = store.failed()
    finally:
        store.close()
    table = Table(title="失败的通知 failed notifications")
    for column in ("id", "channel", "user", "attempts", "error"):
        table.add_column(column)
    for d in rows:
        table.add_row(d.id, d.channel, d.user_id, str(d.attempts), d.last_error or "")
    console.print(table)
    console.print(f"{len(rows)} failed")


@notifications_app.command("retry")
def retry(
    delivery_id: Annotated[
        str | None, typer.Argument(help="one failed message's id (default: all)")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Send failed messages again (one, or all of them)."""
    from hub.notify.store import NotifyStore

    store = NotifyStore(settings_for(data_dir).notify_location())
    try:
        again = store.retry(delivery_id)
    finally:
        store.close()
    if delivery_id is not None and not again:
        fail(f"no failed notification {delivery_id}")
    console.print(f"{len(again)} to be sent again")
