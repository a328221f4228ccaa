"""What every ``hub`` sub-command shares: options, settings, opening the hub, plain errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn
from uuid import UUID

import typer
from rich.console import Console

from hub.settings import Settings

if TYPE_CHECKING:
    from hub.app import ReliefHub

console = Console()

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="default: ./var")]
Lang = Annotated[str, typer.Option("--lang", help="zh (简体中文) or en")]


def settings_for(
    data_dir: Path | None, host: str | None = None, port: int | None = None
) -> Settings:
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    return Settings(**overrides)


def fail(message: str) -> NoReturn:
    """A plain message on stderr and exit status 1, on one line however narrow the terminal
    (a path in it stays whole, to be copied)."""
    Console(stderr=True).print(f"[red]{message}[/red]", soft_wrap=True)
    raise typer.Exit(1)


def parse_uuid(value: str, what: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        fail(f"{what} id {value!r} is not a UUID")


@contextmanager
def open_hub(data_dir: Path | None, process: str = "hub") -> Iterator[ReliefHub]:
    """The Application on the same data and settings as ``hub serve``; domain errors exit 1.

    ``process`` names the kind of process: on Kafka each kind keeps its own replica.
    """
    from domain.errors import DomainError
    from hub.bootstrap import build_hub
    from hub.identity.acting import OPERATOR, acting_as

    settings = settings_for(data_dir)
    if not (settings.data_dir / "secrets").exists() and settings.env == "development":
        fail(f"no hub data in {settings.data_dir}; run hub serve or hub demo first")
    hub = build_hub(settings, process=process)
    try:
        with acting_as(OPERATOR):
            yield hub
    except DomainError as e:
        fail(e.message)
    finally:
        hub.close()
