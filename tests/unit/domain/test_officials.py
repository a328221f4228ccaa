"""Officials: the role vocabulary, roles valid per agency kind, and the user's lifecycle."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.errors import InvalidValue, RoleNotAllowed, UserDisabled
from domain.officials import ROLE_LABELS, OfficialRole, User, role_label, roles_for_kind
from tests.unit.domain.support import assert_rebuilds, refused

AGENCY = uuid4()


def official(kind: str = "procuratorate", roles: list[str] | None = None) -> User:
    return User.add(
        agency_id=AGENCY,
        agency_kind=kind,
        name="李检察官",
        staff_number="P-0012",
        roles=["case_officer"] if roles is None else roles,
        external_id="li.jian",
    )


def test_the_vocabulary_is_labelled_in_chinese_and_english_once() -> None:
    assert set(ROLE_LABELS) == set(OfficialRole)
    assert role_label("case_officer") == "承办检察官"
    assert role_label("chief_procurator", "en") == "chief procurator"
    assert role_label("caseworker") == "经办人"
    assert role_label("no-such-role") == "no-such-role"


def test_roles_depend_on_the_agency_kind() -> None:
    assert OfficialRole.CHIEF_PROCURATOR in roles_for_kind("procuratorate")
    assert OfficialRole.CASEWORKER not in roles_for_kind("procuratorate")
    assert OfficialRole.HEAD in roles_for_kind("civil-affairs")
    assert OfficialRole.CASE_OFFICER not in roles_for_kind("civil-affairs")
    assert {OfficialRole.ADMIN, OfficialRole.AUDITOR} <= roles_for_kind("enterprise")


def test_an_official_is_created_and_replays() -> None:
    user = official(roles=["department_head", "case_officer", "case_officer"])
    assert user.roles == ["case_officer", "department_head"]
    assert user.id == User.id_for(AGENCY, "P-0012")
    assert not user.disabled
    events = assert_rebuilds(user)
    assert [type(e).__name__ for e in events] == ["Added"]


@pytest.mark.parametrize(
    ("kind", "roles"),
    [
        ("civil-affairs", ["case_officer"]),
        ("procuratorate", ["caseworker"]),
        ("procuratorate", ["superuser"]),
        ("procuratorate", []),
        ("procuratorate", ["admin", "case_officer"]),
        ("civil-affairs", ["auditor", "head"]),
    ],
)
def test_roles_outside_the_agency_kind_or_mixed_with_oversight_are_refused(
    kind: str, roles: list[str]
) -> None:
    with pytest.raises(RoleNotAllowed):
        official(kind, roles)


def test_a_staff_number_has_no_spaces_and_a_name_is_required() -> None:
    with pytest.raises(InvalidValue):
        User.add(
            agency_id=AGENCY, agency_kind="education", name="王", staff_number="A 1", roles=["head"]
        )
    with pytest.raises(InvalidValue):
        User.add(
            agency_id=AGENCY, agency_kind="education", name=" ", staff_number="A1", roles=["head"]
        )


def test_roles_change_and_the_history_keeps_both() -> None:
    user = official()
    user.change_roles(["chief_procurator"])
    user.change_roles(["chief_procurator"])  # no change, no event
    events = assert_rebuilds(user)
    assert [type(e).__name__ for e in events] == ["Added", "RolesChanged"]
    assert events[1].roles == ["chief_procurator"]
    with refused(user, RoleNotAllowed):
        user.change_roles(["head"])


def test_a_disabled_official_stays_and_cannot_be_changed() -> None:
    user = official()
    user.disable("调离")
    assert user.disabled
    with refused(user, UserDisabled):
        user.change_roles(["department_head"])
    with refused(user, UserDisabled):
        user.disable("again")
    assert [type(e).__name__ for e in assert_rebuilds(user)] == ["Added", "Disabled"]
