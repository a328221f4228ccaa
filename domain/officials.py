"""Officials (工作人员): the users of an agency, their roles, and the fixed role vocabulary.

An official belongs to one agency and holds roles from one vocabulary, defined here once in
Chinese and English (:data:`ROLE_LABELS`). Which roles an agency has depends on its kind
(:func:`roles_for_kind`): a procuratorate has case officers, department heads and a chief
procurator; a partner agency has caseworkers and a head; any agency may have auditors and
administrators. Administrator and auditor are held alone (separation of duties: whoever
administers or audits does not also handle cases).

Users are created, given roles and disabled as events, never deleted, so the history of who
could do what is replayable. The personal data kept of an official is their name and staff
number only (the whole event is encrypted at rest, like every event). Passwords and second
factors are not here: they live in the access store, outside the log.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, RoleNotAllowed, UserDisabled
from domain.values import (
    MAX_EXTERNAL_ID,
    MAX_SHORT_TEXT,
    MAX_STAFF_NUMBER,
    AgencyKind,
    require_text,
)


class OfficialRole(StrEnum):
    """The fixed role vocabulary (角色)."""

    CASE_OFFICER = "case_officer"  # 承办检察官
    DEPARTMENT_HEAD = "department_head"  # 部门负责人
    CHIEF_PROCURATOR = "chief_procurator"  # 检察长
    CASEWORKER = "caseworker"  # 经办人
    HEAD = "head"  # 负责人
    AUDITOR = "auditor"  # 审计
    ADMIN = "admin"  # 管理员


#: each role's label, Chinese then English: the one place officials' words for roles are kept
ROLE_LABELS: dict[OfficialRole, tuple[str, str]] = {
    OfficialRole.CASE_OFFICER: ("承办检察官", "case officer"),
    OfficialRole.DEPARTMENT_HEAD: ("部门负责人", "department head"),
    OfficialRole.CHIEF_PROCURATOR: ("检察长", "chief procurator"),
    OfficialRole.CASEWORKER: ("经办人", "caseworker"),
    OfficialRole.HEAD: ("负责人", "head"),
    OfficialRole.AUDITOR: ("审计", "auditor"),
    OfficialRole.ADMIN: ("管理员", "administrator"),
}

PROCURATORATE_ROLES = frozenset(
    {OfficialRole.CASE_OFFICER, OfficialRole.DEPARTMENT_HEAD, OfficialRole.CHIEF_PROCURATOR}
)
PARTNER_ROLES = frozenset({OfficialRole.CASEWORKER, OfficialRole.HEAD})
#: roles held alone: they see or change everything, so they handle no cases themselves
OVERSIGHT_ROLES = frozenset({OfficialRole.AUDITOR, OfficialRole.ADMIN})


def role_label(role: str, lang: str = "zh") -> str:
    """A role's label in ``lang`` (``zh`` or ``en``); an unknown code is shown as it is."""
    try:
        zh, en = ROLE_LABELS[OfficialRole(role)]
    except ValueError:
        return role
    return zh if lang == "zh" else en


def roles_for_kind(kind: str) -> frozenset[OfficialRole]:
    """The roles an agency of ``kind`` has."""
    working = PROCURATORATE_ROLES if kind == AgencyKind.PROCURATORATE else PARTNER_ROLES
    return working | OVERSIGHT_ROLES


def check_roles(roles: list[str], agency_kind: str) -> list[str]:
    """The roles, sorted and without repeats, if they are valid for the agency's kind."""
    if not isinstance(roles, list) or not roles:
        raise RoleNotAllowed("an official holds at least one role")
    chosen: set[OfficialRole] = set()
    for role in roles:
        try:
            chosen.add(OfficialRole(role))
        except ValueError:
            allowed = ", ".join(r.value for r in OfficialRole)
            raise RoleNotAllowed(f"unknown role {role!r}; one of: {allowed}") from None
    allowed_here = roles_for_kind(agency_kind)
    foreign = sorted(r.value for r in chosen - allowed_here)
    if foreign:
        raise RoleNotAllowed(f"a {agency_kind} agency has no role {', '.join(foreign)}")
    if chosen & OVERSIGHT_ROLES and len(chosen) > 1:
        raise RoleNotAllowed("administrator and auditor are held alone, with no other role")
    return sorted(r.value for r in chosen)


def _staff_number(value: str) -> str:
    number = require_text(value, "staff number", limit=MAX_STAFF_NUMBER)
    if not number.isprintable() or " " in number:
        raise InvalidValue("a staff number has no spaces or control characters")
    return number


def _external_id(value: str | None) -> str | None:
    if value is None:
        return None
    return require_text(value, "external id", limit=MAX_EXTERNAL_ID)


class User(Aggregate):
    """An official of one agency (工作人员), with roles; disabled, never deleted."""

    class Added(Aggregate.Created):
        """An official was given an account (开通账号)."""

        agency_id: UUID
        agency_kind: str
        name: str
        staff_number: str
        roles: list[str]
        external_id: str | None

    class RolesChanged(Aggregate.Event):
        """The official's roles, all of them after the change (角色变更)."""

        roles: list[str]

    class Disabled(Aggregate.Event):
        """The account was disabled (停用): the official can no longer sign in or act."""

        reason: str

    @staticmethod
    def id_for(agency_id: UUID, staff_number: str) -> UUID:
        """One staff number is one official within an agency."""
        return uuid5(NAMESPACE_URL, f"urn:referral-hub:user:{agency_id}:{staff_number.strip()}")

    @staticmethod
    def create_id(agency_id: UUID, staff_number: str, **_: Any) -> UUID:
        return User.id_for(agency_id, staff_number)

    @classmethod
    def add(
        cls,
        *,
        agency_id: UUID,
        agency_kind: str,
        name: str,
        staff_number: str,
        roles: list[str],
        external_id: str | None = None,
    ) -> User:
        return cls(
            agency_id=agency_id,
            agency_kind=agency_kind,
            name=require_text(name, "name", limit=MAX_SHORT_TEXT),
            staff_number=_staff_number(staff_number),
            roles=check_roles(roles, agency_kind),
            external_id=_external_id(external_id),
        )

    @event(Added)
    def __init__(
        self,
        agency_id: UUID,
        agency_kind: str,
        name: str,
        staff_number: str,
        roles: list[str],
        external_id: str | None,
    ) -> None:
        self.agency_id = agency_id
        self.agency_kind = agency_kind
        self.name = name
        self.staff_number = staff_number
        self.roles = roles
        self.external_id = external_id
        self.disabled = False

    def _require_enabled(self) -> None:
        if self.disabled:
            raise UserDisabled(f"user {self.id} is disabled")

    def change_roles(self, roles: list[str]) -> None:
        self._require_enabled()
        checked = check_roles(roles, self.agency_kind)
        if checked != self.roles:
            self._roles_changed(roles=checked)

    @event(RolesChanged)
    def _roles_changed(self, roles: list[str]) -> None:
        self.roles = roles

    def disable(self, reason: str) -> None:
        self._require_enabled()
        self._disabled(reason=require_text(reason, "reason", limit=MAX_SHORT_TEXT))

    @event(Disabled)
    def _disabled(self, reason: str) -> None:
        self.disabled = True


def describe(name: str, roles: list[str], lang: str = "zh") -> str:
    """An official as officials read them: 李明（承办检察官）, or Li Ming (case officer)."""
    labels = ("、" if lang == "zh" else ", ").join(role_label(r, lang) for r in roles)
    if not labels:
        return name
    return f"{name}（{labels}）" if lang == "zh" else f"{name} ({labels})"
