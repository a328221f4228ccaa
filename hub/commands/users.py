"""Officials (工作人员): adding users to an agency, changing their roles, disabling them.

Users are events in the log (:class:`domain.officials.User`); their passwords and sessions are
not (see :mod:`hub.identity`). Listing reads the link index, which follows ``User.Added``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.agency import Agency
from domain.errors import UserExists
from domain.officials import User
from hub.commands.base import HubBase, plain
from hub.commands.links import LinkIndex


def user_dict(u: User) -> dict[str, Any]:
    return plain(
        {
            "id": u.id,
            "agency_id": u.agency_id,
            "name": u.name,
            "staff_number": u.staff_number,
            "roles": list(u.roles),
            "external_id": u.external_id,
            "disabled": u.disabled,
            "version": u.version,
        }
    )


class UserCommands(HubBase):
    links: LinkIndex

    def add_user(
        self,
        *,
        agency_id: UUID,
        name: str,
        staff_number: str,
        roles: list[str],
        external_id: str | None = None,
    ) -> UUID:
        """Adds an official to an agency; one per staff number, one per external id."""
        agency = self.load(Agency, agency_id)
        user = User.add(
            agency_id=agency.id,
            agency_kind=agency.kind,
            name=name,
            staff_number=staff_number,
            roles=roles,
            external_id=external_id,
        )
        if self.exists(user.id):
            raise UserExists(f"{agency.name} already has an official numbered {staff_number}")
        links = self.links.refresh(self)
        if user.external_id is not None and user.external_id in links.user_by_external_id:
            raise UserExists("another official already has that external id")
        self.save(user)
        return user.id

    def change_user_roles(self, user_id: UUID, roles: list[str]) -> None:
        user = self.load(User, user_id)
        user.change_roles(roles)
        self.save(user)

    def disable_user(self, user_id: UUID, reason: str) -> None:
        user = self.load(User, user_id)
        user.disable(reason)
        self.save(user)

    def get_user(self, user_id: UUID) -> dict[str, Any]:
        return user_dict(self.load(User, user_id))

    def list_users(self, agency_id: UUID | None = None) -> list[dict[str, Any]]:
        links = self.links.refresh(self)
        ids = links.users if agency_id is None else links.users_by_agency.get(agency_id, [])
        return [user_dict(self.read(User, i)) for i in ids]

    def user_id_for_external_id(self, external_id: str) -> UUID | None:
        """The official an identity provider's subject maps to, if any."""
        return self.links.refresh(self).user_by_external_id.get(external_id)
