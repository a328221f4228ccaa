"""``hub user …`` and the machine-token commands of ``hub token …``: administer officials
and connectors' credentials from the command line.

Officials are events in the log (on Kafka these commands write it, so they refuse while the
hub serves unless ``--offline``; use the API then); their passwords, sessions and machine
tokens are in the access store.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer
from rich.table import Table

from domain.officials import role_label
from hub.cli.audit import Offline, refuse_second_writer
from hub.cli.common import DataDir, Lang, console, fail, settings_for

if TYPE_CHECKING:
    from collections.abc import Iterator

    from hub.bootstrap import Services

user_app = typer.Typer(
    help="工作人员 Officials: add, give roles, disable, list", no_args_is_help=True
)

Roles = Annotated[
    list[str],
    typer.Option(
        "--role",
        help="case_officer 承办检察官, department_head 部门负责人, chief_procurator 检察长, "
        "caseworker 经办人, head 负责人, auditor 审计, admin 管理员 (repeat for several)",
    ),
]


@contextmanager
def services_for(data_dir: DataDir) -> Iterator[Services]:
    """The hub's services on the data of ``hub serve``; domain errors exit 1, plainly."""
    from domain.errors import DomainError
    from hub.bootstrap import build
    from hub.identity.acting import OPERATOR, acting_as

    settings = settings_for(data_dir)
    if not (settings.data_dir / "secrets").exists() and settings.env == "development":
        fail(f"no hub data in {settings.data_dir}; run hub serve or hub demo first")
    services = build(settings)
    try:
        with acting_as(OPERATOR):
            yield services
    except DomainError as e:
        fail(e.message)
    finally:
        services.close()


def find_agency(services: Services, agency: str) -> UUID:
    from domain.agency import Agency
    from domain.errors import NotFound

    try:
        candidate = UUID(agency)
    except ValueError:
        candidate = Agency.id_for(agency)
    try:
        services.hub.get_agency(candidate)
    except NotFound:
        fail(f"no agency {agency!r}")
    return candidate


def find_user(services: Services, agency: str, staff_number: str) -> UUID:
    from domain.officials import User

    user_id = User.id_for(find_agency(services, agency), staff_number)
    if not services.hub.exists(user_id):
        fail(f"no official numbered {staff_number!r} at {agency}")
    return user_id


@user_app.command("add")
def add_user(
    agency: Annotated[str, typer.Argument(help="agency name or id")],
    staff_number: Annotated[str, typer.Argument(help="工号 staff number")],
    name: Annotated[str, typer.Option(help="姓名 the official's name")],
    role: Roles,
    external_id: Annotated[
        str | None, typer.Option(help="the official's id at the identity provider (OIDC)")
    ] = None,
    data_dir: DataDir = None,
    offline: Offline = False,
) -> None:
    """Add an official; prints a first password once (change it with ``hub user password``)."""
    refuse_second_writer(data_dir, offline, "POST /users")
    with services_for(data_dir) as services:
        user_id = services.hub.add_user(
            agency_id=find_agency(services, agency),
            name=name,
            staff_number=staff_number,
            roles=role,
            external_id=external_id,
        )
        password = secrets.token_urlsafe(12)
        services.identity.passwords.set_password(user_id, password)
    typer.echo(f"{user_id}")
    typer.echo(f"初始密码 / first password: {password}")


@user_app.command("roles")
def change_roles(
    agency: Annotated[str, typer.Argument(help="agency name or id")],
    staff_number: Annotated[str, typer.Argument(help="工号 staff number")],
    role: Roles,
    data_dir: DataDir = None,
    offline: Offline = False,
) -> None:
    """Give an official these roles (all of them, replacing the ones held)."""
    refuse_second_writer(data_dir, offline, "POST /users/{id}/roles")
    with services_for(data_dir) as services:
        services.hub.change_user_roles(find_user(services, agency, staff_number), role)


@user_app.command("disable")
def disable_user(
    agency: Annotated[str, typer.Argument(help="agency name or id")],
    staff_number: Annotated[str, typer.Argument(help="工号 staff number")],
    reason: Annotated[str, typer.Option(help="why (调离, 退休 …)")],
    data_dir: DataDir = None,
    offline: Offline = False,
) -> None:
    """Disable an official for good (never deleted); their sessions end."""
    refuse_second_writer(data_dir, offline, "POST /users/{id}/disable")
    with services_for(data_dir) as services:
        user_id = find_user(services, agency, staff_number)
        services.hub.disable_user(user_id, reason)
        services.identity.user_disabled(user_id)


@user_app.command("password")
def set_password(
    agency: Annotated[str, typer.Argument(help="agency name or id")],
    staff_number: Annotated[str, typer.Argument(help="工号 staff number")],
    data_dir: DataDir = None,
) -> None:
    """Set a new password for an official (asked for, not echoed)."""
    from domain.errors import InvalidValue

    password = typer.prompt("新密码 / new password", hide_input=True, confirmation_prompt=True)
    with services_for(data_dir) as services:
        try:
            services.identity.passwords.set_password(
                find_user(services, agency, staff_number), password
            )
        except InvalidValue as e:
            fail(e.message)


@user_app.command("list")
def list_users(
    agency: Annotated[str | None, typer.Argument(help="agency name or id (default: all)")] = None,
    data_dir: DataDir = None,
    lang: Lang = "zh",
) -> None:
    """List officials with their agency, staff number, roles and state."""
    zh = lang == "zh"
    with services_for(data_dir) as services:
        agency_id = find_agency(services, agency) if agency else None
        users = services.hub.list_users(agency_id)
        names = {a["id"]: a["name"] for a in services.hub.list_agencies()}
    table = Table()
    headings = (
        ("单位", "工号", "姓名", "角色", "状态")
        if zh
        else ("agency", "staff number", "name", "roles", "state")
    )
    for heading in headings:
        table.add_column(heading)
    for user in users:
        roles = "、".join(role_label(r, lang) for r in user["roles"])
        state = (
            ("已停用" if zh else "disabled") if user["disabled"] else ("在用" if zh else "active")
        )
        agency_name = names.get(user["agency_id"], user["agency_id"])
        table.add_row(agency_name, user["staff_number"], user["name"], roles, state)
    console.print(table)


# Machine tokens (registered on ``hub token`` by hub.cli.tokens)


def revoke_token(
    token_id: Annotated[str, typer.Argument(help="the token's id (hub token list)")],
    data_dir: DataDir = None,
) -> None:
    """Revoke a token: refused at once here, within 30 seconds in a running hub."""
    with services_for(data_dir) as services:
        if not services.access.revoke(token_id):
            fail(f"no token {token_id!r}")


def rotate_token(
    token_id: Annotated[str, typer.Argument(help="the token's id (hub token list)")],
    overlap_hours: Annotated[float, typer.Option(help="how long the old token stays valid")] = 24.0,
    days: Annotated[int | None, typer.Option(help="the new token's lifetime in days")] = None,
    data_dir: DataDir = None,
) -> None:
    """Issue a token's successor; both are valid for the overlap. Prints the new token once."""
    from hub.access.tokens import AuditorIsAUser

    with services_for(data_dir) as services:
        try:
            issued = services.access.rotate(
                token_id,
                overlap=overlap_hours * 3600,
                expires_in=None if days is None else days * 86400.0,
            )
        except KeyError:
            fail(f"no valid token {token_id!r}")
        except AuditorIsAUser as e:  # an auditor token from before auditors signed in
            fail(str(e))
    typer.echo(f"{issued.token_id} {issued.token}")


def list_tokens(data_dir: DataDir = None) -> None:
    """List tokens: id, role, agency, label, expiry and whether valid (never the tokens)."""
    with services_for(data_dir) as services:
        tokens = services.access.list_tokens()
    for token in tokens:
        state = "valid" if token["valid"] else "invalid"
        typer.echo(
            f"{token['token_id']} {token['role']} {token['agency_id'] or '-'} "
            f"{token['label']!r} expires={token['expires'] or 'never'} {state}"
        )
