"""``hub log …``: the Kafka log's replica for operators — rebuild it, see where it stands.

Takes the hub's own settings (``KAFKA_BOOTSTRAP_SERVERS``, ``HUB_LOG_TOPIC``,
``HUB_REPLICA_PATH``, the ``HUB_LOG_*`` keys) and ``--data-dir`` for the replica's default
place. Reports are in Simplified Chinese; ``--lang en`` gives English.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import typer
from eventsourcing.utils import Environment
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from hub.cli.common import DataDir, Lang, console
from hub.eventlog.catchup import catch_up
from hub.eventlog.config import LogConfig, topic_exists
from hub.eventlog.reader import LogReader
from hub.eventlog.replica import Replica

app = typer.Typer(
    help="事件日志（Kafka）副本：重建、查看状态 — the Kafka event log's local replica",
    no_args_is_help=True,
)

TEXT = {
    "zh": {
        "embedded": "本平台使用内置 SQLite 日志（未设置 KAFKA_BOOTSTRAP_SERVERS），无副本可重建。",
        "rebuilding": "正在从主题重建副本",
        "rebuilt": "副本已重建：{events} 个事件，最后编号 {last}，用时 {seconds:.1f} 秒（每秒 {rate:.0f} 个）",
        "missing": "主题 {topic} 不存在",
        "topic": "主题",
        "replica": "副本文件",
        "position": "副本读到的位置（偏移量）",
        "end": "主题末端（偏移量）",
        "events": "副本中的事件数",
        "last": "最后通知编号",
        "writer": "最近接管的写入者",
        "unreachable": "无法连接",
    },
    "en": {
        "embedded": "The hub runs on the embedded SQLite log (KAFKA_BOOTSTRAP_SERVERS unset): no replica.",
        "rebuilding": "Rebuilding the replica from the topic",
        "rebuilt": "Replica rebuilt: {events} events, last id {last}, {seconds:.1f} s ({rate:.0f} events/s)",
        "missing": "topic {topic} does not exist",
        "topic": "topic",
        "replica": "replica file",
        "position": "replica position (offset)",
        "end": "topic end (offset)",
        "events": "events in the replica",
        "last": "last notification id",
        "writer": "latest writer to take over",
        "unreachable": "unreachable",
    },
}


def log_config(data_dir: Path | None, lang: str) -> LogConfig:
    """The log's settings as ``hub serve`` would read them."""
    from hub.settings import Settings

    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    log_env = settings.log_env()
    if "KAFKA_BOOTSTRAP_SERVERS" not in log_env:
        console.print(TEXT[lang]["embedded"])
        raise typer.Exit(1)
    return LogConfig.from_env(Environment(env={**os.environ, **log_env}))


def remove_sqlite(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def rebuild_replica(config: LogConfig, progress: Progress | None = None) -> tuple[int, int | None]:
    """Builds a new replica beside the old one from the whole topic, then puts it in place."""
    building = config.replica_path + ".rebuilding"
    remove_sqlite(building)
    replica = Replica(building)
    task = progress.add_task("rebuild", total=None) if progress is not None else None

    def show(fetched: int, end: int) -> None:
        if progress is not None and task is not None:
            progress.update(task, completed=fetched, total=end)

    try:
        catch_up(config, replica, stall=config.timeout * 6, progress=show)
        events, last = replica.count(), replica.max_notification_id()
    finally:
        replica.close()
    remove_sqlite(config.replica_path)
    os.replace(building, config.replica_path)
    return events, last


@app.command()
def rebuild(data_dir: DataDir = None, lang: Lang = "zh") -> None:
    """Rebuild the replica from the topic (stop the hub first); shows progress."""
    text = TEXT[lang]
    config = log_config(data_dir, lang)
    if not topic_exists(config):
        console.print(text["missing"].format(topic=config.topic))
        raise typer.Exit(1)
    started = time.monotonic()
    columns = (
        TextColumn(text["rebuilding"]),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        events, last = rebuild_replica(config, progress)
    seconds = time.monotonic() - started
    console.print(
        text["rebuilt"].format(
            events=events, last=last or 0, seconds=seconds, rate=events / max(seconds, 1e-9)
        )
    )


@app.command()
def status(data_dir: DataDir = None, lang: Lang = "zh") -> None:
    """Where the replica stands against the topic, and who writes the log."""
    text = TEXT[lang]
    config = log_config(data_dir, lang)
    replica = Replica(config.replica_path)
    try:
        rows = [
            (text["topic"], config.topic),
            (text["replica"], config.replica_path),
            (text["position"], str(replica.position())),
            (text["end"], _end_offset(config, text["unreachable"])),
            (text["events"], str(replica.count())),
            (text["last"], str(replica.max_notification_id() or 0)),
            (text["writer"], _writer(replica)),
        ]
    finally:
        replica.close()
    table = Table(show_header=False)
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)


def _writer(replica: Replica) -> str:
    latest = replica.writer()
    return "-" if latest is None else f"{latest[0]} @ {latest[1]}"


def _end_offset(config: LogConfig, unreachable: str) -> str:
    try:
        reader = LogReader(config, 0)
    except Exception:
        return unreachable
    try:
        return str(reader.end_offset())
    except Exception:
        return unreachable
    finally:
        reader.close()
