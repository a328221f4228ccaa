"""``hub token …``: issue tokens for agencies and operators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer

from hub.access.tokens import AUDITOR_IS_A_USER, Role
from hub.cli.common import DataDir, fail, settings_for
from hub.cli.users import list_tokens, revoke_token, rotate_token

if TYPE_CHECKING:
    from hub.app import ReliefHub

token_app = typer.Typer(
    help="Machine tokens: connectors' and the break-glass administrator's", no_args_is_help=True
)
token_app.command("revoke")(revoke_token)
token_app.command("rotate")(rotate_token)
token_app.command("list")(list_tokens)


@token_app.command("issue")
def issue_token(
    agency: Annotated[str | None, typer.Argument(help="agency name or id")] = None,
    role: Annotated[
        str, typer.Option(help="staff, connector or admin (auditors are users: hub user add)")
    ] = "staff",
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
        fail(f"unknown role {role!r}: staff, connector or admin")
    if chosen == Role.AUDITOR:
        fail(AUDITOR_IS_A_USER)
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
