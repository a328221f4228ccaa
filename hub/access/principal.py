"""The principal a request acts as, and the access class (role) its credentials give.

Every credential resolves to one :class:`Principal`: an official signed in (``kind`` user,
with their user id, agency, roles and name), an agency's connector (``kind`` connector, a
machine token of one agency) or an operator's break-glass token (``kind`` break-glass, for
first start). Access checks read :attr:`Principal.role`, the access class: staff and connectors
act for their agency; auditors read everything; administrators administer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.officials import OfficialRole


class Role(StrEnum):
    """The access class of a principal (what the API lets it do)."""

    STAFF = "staff"  # an agency's official: reads and changes what the agency is party to
    CONNECTOR = "connector"  # an agency's connector: like staff, for machines
    AUDITOR = "auditor"  # reads everything, changes nothing
    ADMIN = "admin"  # registers agencies, mechanisms and users, issues tokens, operates


class PrincipalKind(StrEnum):
    USER = "user"  # an official, signed in
    CONNECTOR = "connector"  # an agency's machine token
    BREAK_GLASS = "break-glass"  # an operator's token for first start, not a person's


def access_role(roles: list[str] | tuple[str, ...]) -> Role:
    """The access class an official's roles give (admin and auditor are held alone)."""
    if OfficialRole.ADMIN in roles:
        return Role.ADMIN
    if OfficialRole.AUDITOR in roles:
        return Role.AUDITOR
    return Role.STAFF


@dataclass(frozen=True)
class Principal:
    """Who acts. ``name`` is the official's name (or the token's label for machines)."""

    token_id: str
    role: Role
    agency_id: UUID | None
    name: str
    kind: PrincipalKind = PrincipalKind.CONNECTOR
    user_id: UUID | None = None
    roles: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.name

    @property
    def acts_for_agency(self) -> bool:
        return self.role in (Role.STAFF, Role.CONNECTOR)

    def has_role(self, role: OfficialRole) -> bool:
        return role.value in self.roles
