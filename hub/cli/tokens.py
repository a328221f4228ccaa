"""``hub token …``: issue tokens for agencies and operators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer

from hub.access.tokens import Role
from hub.cli.common import DataDir, fail, settings_for

if TYPE_CHECKING:
    from hub.app import ReliefHub

token_app = typer.Typer(help="Issue tokens for agencies and operators", no_args_is_help=True)


@token_app.command("issue")
def issue_token(
    agency: Annotated[str | None, typer.Argument(help="agency name or id")] = None,
    role: Annotated[str, typer.Option(help="staff, connector, auditor or admin")] = "staff",
    label: Annotated[str | None, typer.Option(help="who holds the token")] = None,
    data_dir: DataDir = None,
) -> None:
    """Issue a token; it is printed once and stored only hashed."""
    from hub.bootstrap import build

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
        token = services.access.issue(chosen, agency_id, label or agency or chosen.value)
        typer.echo(token)
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
