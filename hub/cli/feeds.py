"""``hub router …``, ``hub replies …`` and ``hub dlq …``: the Kafka side of agency feeds.

Each runs on the same settings and ``--data-dir`` as ``hub serve`` and needs
``KAFKA_BOOTSTRAP_SERVERS``; the embedded default serves agency feeds over HTTP instead.
"""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.table import Table

from hub.cli.common import DataDir, console, fail, open_hub, settings_for
from hub.settings import Settings

if TYPE_CHECKING:
    from hub.feeds.dead_letters import DeadLetters

router_app = typer.Typer(
    help="路由 Publish agency feeds to their Kafka topics", no_args_is_help=True
)
replies_app = typer.Typer(help="回复 Apply agencies' answers from Kafka", no_args_is_help=True)
dlq_app = typer.Typer(
    help="死信 Dead letters: answers that could not be applied", no_args_is_help=True
)


NO_KAFKA = "KAFKA_BOOTSTRAP_SERVERS is not set: on the embedded log, feeds are served over HTTP"


def _kafka(data_dir: DataDir) -> Settings:
    settings = settings_for(data_dir)
    if not settings.kafka_bootstrap_servers:
        fail(NO_KAFKA)
    return settings


def _dead_letters(data_dir: DataDir) -> tuple[DeadLetters, str]:
    """The dead letters, and the topic prefix their sources are named with."""
    from hub.bootstrap import build_dead_letters

    settings = settings_for(data_dir)
    letters = build_dead_letters(settings)
    if letters is None:
        fail(NO_KAFKA)
    return letters, settings.topic_prefix


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


@router_app.command("run")
def run_router(
    data_dir: DataDir = None,
    once: Annotated[bool, typer.Option("--once", help="route what is there, then exit")] = False,
    batch_size: Annotated[
        int, typer.Option(min=1, max=10_000, help="log events per Kafka transaction")
    ] = 1000,
) -> None:
    """Follow the log and publish each agency's records, exactly once."""
    from hub.bootstrap import build_router
    from hub.feeds.router import RouterFenced

    settings = _kafka(data_dir)
    with open_hub(data_dir, process="router") as hub:
        router = build_router(settings, hub, batch_size=batch_size)
        try:
            if once:
                router.catch_up()
            else:
                router.run(_stop_on_signals())
        except RouterFenced as e:
            fail(f"路由已被另一个路由进程接替 another router of this log took over ({e})")
        finally:
            router.close()
        console.print(f"router position: {router.position}")


@replies_app.command("run")
def run_replies(data_dir: DataDir = None) -> None:
    """Apply agencies' answers from their replies topics, exactly once; the rest to the DLQ.

    This writes to the log, so it takes the log's single writer over: run it only where no
    ``hub serve`` runs (``hub serve`` applies answers itself on Kafka).
    """
    from hub.bootstrap import build_reply_applier

    settings = _kafka(data_dir)
    with open_hub(data_dir) as hub:
        applier = build_reply_applier(settings, hub)
        try:
            applier.run(_stop_on_signals())
        finally:
            applier.close()


@dlq_app.command("list")
def list_dead_letters(data_dir: DataDir = None) -> None:
    """List dead letters with their reason and the agency whose topic the reply came from."""
    from hub.feeds.topics import agency_of

    dead_letters, prefix = _dead_letters(data_dir)
    letters = dead_letters.list()
    table = Table(title="死信 dead letters")
    for column in ("id", "error", "detail", "referral", "action", "agency", "named agency"):
        table.add_column(column)
    for letter in letters:
        reply = letter.reply
        table.add_row(
            letter.id,
            letter.error,
            letter.detail,
            str(reply.get("referral_id")),
            str(reply.get("action")),
            str(agency_of(prefix, letter.source.rsplit(":", 2)[0])),
            str(reply.get("agency_id")),
        )
    console.print(table)


@dlq_app.command("retry")
def retry_dead_letter(
    letter_id: Annotated[str, typer.Argument(help="the dead letter's id, from dlq list")],
    data_dir: DataDir = None,
) -> None:
    """Put a dead letter's reply back on its agency's replies topic (after the cause was mended).

    The letter leaves the list; the hub's reply applier (in ``hub serve``) takes the reply
    again, and one that still cannot be applied is listed again as a new dead letter.
    """
    from hub.feeds.replies import Rejection

    dead_letters, _ = _dead_letters(data_dir)
    republished = dead_letters.retry(letter_id)
    if isinstance(republished, Rejection):
        fail(f"未重试 not retried: {republished.error}: {republished.detail}")
    console.print(
        "已放回来源主题，仍不能处理的将作为新的死信列出 "
        "put back on its source topic; if it still cannot be applied it is listed again"
    )
    console.print(
        orjson.dumps({"retried": letter_id, "republished_to": republished.source}).decode()
    )
