"""``hub projections …``: the projection worker, rebuilds with a progress bar, and status."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from hub.cli.common import DataDir, console, fail, settings_for

projections_app = typer.Typer(
    help="视图 Projections: the views agencies and dashboards read", no_args_is_help=True
)


@contextmanager
def worker_parts(data_dir: Path | None) -> Iterator[tuple[Any, Any]]:
    """The Application (on the worker's own replica, on Kafka) and the view store."""
    from hub.bootstrap import build_hub, open_views

    settings = settings_for(data_dir)
    if not (settings.data_dir / "secrets").exists() and settings.env == "development":
        fail(f"no hub data in {settings.data_dir}; run hub serve or hub demo first")
    hub = build_hub(settings, process="projections")
    store = open_views(settings)
    try:
        yield hub, store
    finally:
        store.close()
        hub.close()


@projections_app.command("run")
def run(
    data_dir: DataDir = None,
    views: Annotated[list[str] | None, typer.Option("--view", help="only these views")] = None,
) -> None:
    """Follow the log and keep every view current (until interrupted)."""
    from projections import worker

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with worker_parts(data_dir) as (hub, store):
        try:
            worker.run(hub, store, stop, views=views)
        except LookupError as e:
            fail(str(e))


@projections_app.command("rebuild")
def rebuild(
    name: Annotated[str, typer.Argument(help="referrals, case_files, person_aid or region_stats")],
    data_dir: DataDir = None,
) -> None:
    """Rebuild one view from the log into a new table and switch readers to it."""
    from projections import worker
    from projections.runner import ViewHalted

    with worker_parts(data_dir) as (hub, store):
        try:
            worker.view_class(name)
        except LookupError as e:
            fail(str(e))
        total = hub.recorder.max_notification_id() or 0
        with Progress(
            TextColumn(f"重建 rebuilding {name}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            task = bar.add_task(name, total=total)

            def progress(position: int, log_position: int | None) -> None:
                bar.update(task, completed=position, total=log_position or total)

            try:
                version = worker.rebuild(hub, store, name, progress=progress)
            except ViewHalted as e:
                fail(f"{e}; readers stay on the active version")
    console.print(f"{name}: version {version} is now active")


@projections_app.command("status")
def status(data_dir: DataDir = None) -> None:
    """Each view's active version and how far behind the log it is."""
    from projections import worker

    with worker_parts(data_dir) as (hub, store):
        rows = worker.status(hub, store)
    table = Table(title="视图 views")
    for column in ("view", "version", "position", "log_position", "behind", "state"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(str(row[c]) for c in ("view", "version", "position", "log_position", "behind")),
            "停止 STOPPED" if row.get("halted") else "ok",
        )
    console.print(table)
    stopped = [row for row in rows if row.get("halted")]
    for row in stopped:
        halted = row["halted"]
        console.print(
            f"{row['view']} v{row['version']}: 停止 STOPPED at {halted['position']} "
            f"({halted['error']}); rebuild it with code that can hold that event",
            soft_wrap=True,
        )
    if stopped:
        raise typer.Exit(1)


@projections_app.command("drop-retired")
def drop_retired(
    name: Annotated[str, typer.Argument(help="the view")], data_dir: DataDir = None
) -> None:
    """Drop the tables of a view's versions that readers no longer use."""
    from projections import worker

    with worker_parts(data_dir) as (_, store):
        try:
            dropped = worker.drop_retired(store, name)
        except LookupError as e:
            fail(str(e))
    console.print(f"{name}: dropped versions {dropped or 'none'}")
