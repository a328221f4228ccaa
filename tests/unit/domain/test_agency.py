"""Agencies: kinds, levels, nested region codes, services and response targets."""

from __future__ import annotations

from typing import Any

import pytest

from domain.agency import Agency
from domain.errors import InvalidValue
from domain.values import check_region_code, region_contains
from tests.unit.domain.support import assert_rebuilds, refused

ISSUE_KINDS = [
    "procuratorate",
    "civil-affairs",
    "education",
    "medical-insurance",
    "disabled-persons-federation",
    "commerce-bureau",
    "justice-bureau",
    "rural-revitalisation",
    "youth-league",
    "volunteer-association",
    "industry-association",
    "enterprise",
    "other",
]
SOCIAL_RELIEF = [  # State Council order 649
    "minimum-living-allowance",
    "extreme-poverty-support",
    "disaster-relief",
    "medical-aid",
    "education-aid",
    "housing-aid",
    "employment-aid",
    "temporary-aid",
]
MORE_SERVICES = ["donation", "job", "counselling", "student-loan", "judicial-relief"]


def register(**overrides: Any) -> Agency:
    fields: dict[str, Any] = {
        "name": "新源县人民检察院",
        "kind": "procuratorate",
        "level": "county",
        "region_code": "654025",
        "services": ["judicial-relief"],
        "response_days": 5,
    }
    fields.update(overrides)
    return Agency.register(**fields)


@pytest.mark.parametrize("kind", ISSUE_KINDS)
def test_every_kind_of_agency_the_issue_names(kind: str) -> None:
    assert register(kind=kind).kind == kind


def test_an_unknown_kind_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(InvalidValue) as info:
        register(kind="bank")
    assert "civil-affairs" in str(info.value)


@pytest.mark.parametrize(
    ("level", "code"),
    [("autonomous-region", "65"), ("prefecture", "6540"), ("county", "654025")],
)
def test_the_three_levels(level: str, code: str) -> None:
    agency = register(level=level, region_code=code)
    assert (agency.level, agency.region_code) == (level, code)


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(InvalidValue):
        register(level="township")


@pytest.mark.parametrize("code", ["", "6", "654", "65402", "6540251", "65402a", "６５", " 65"])
def test_region_codes_are_2_4_or_6_ascii_digits(code: str) -> None:
    with pytest.raises(InvalidValue):
        check_region_code(code)
    with pytest.raises(InvalidValue):
        register(region_code=code)


def test_region_codes_nest_by_prefix() -> None:
    assert region_contains("65", "6540")  # Xinjiang ⊃ Ili
    assert region_contains("6540", "654025")  # Ili ⊃ Xinyuan
    assert region_contains("65", "654003")  # Xinjiang ⊃ Kuytun
    assert region_contains("654025", "654025")
    assert not region_contains("6540", "652328")  # Mori lies in Changji, not Ili
    assert not region_contains("654025", "6540")


def test_every_service_the_issue_names_and_nothing_else() -> None:
    agency = register(services=SOCIAL_RELIEF + MORE_SERVICES)
    assert agency.services == sorted(SOCIAL_RELIEF + MORE_SERVICES)
    with pytest.raises(InvalidValue):
        register(services=["haircut"])


def test_services_are_kept_once_and_sorted_and_may_change() -> None:
    agency = register(kind="enterprise", services=["job", "donation", "job"])
    assert agency.services == ["donation", "job"]
    agency.change_services(["counselling"])
    assert agency.services == ["counselling"]
    with refused(agency, InvalidValue):
        agency.change_services(["counselling", "haircut"])
    assert_rebuilds(agency)


@pytest.mark.parametrize("days", [0, -1, 61, 2.5, True, "5"])
def test_the_response_target_is_1_to_60_working_days(days: Any) -> None:
    with pytest.raises(InvalidValue):
        register(response_days=days)
    agency = register()
    with refused(agency, InvalidValue):
        agency.set_response_target(days)


def test_the_response_target_can_change() -> None:
    agency = register(response_days=10)
    agency.set_response_target(1)
    agency.set_response_target(60)
    assert agency.response_days == 60
    events = assert_rebuilds(agency)
    assert [type(e).__name__ for e in events] == [
        "Registered",
        "ResponseTargetSet",
        "ResponseTargetSet",
    ]


def test_one_name_is_one_agency() -> None:
    assert (
        register().id == register(name=" 新源县人民检察院 ").id == Agency.id_for("新源县人民检察院")
    )
    assert register(name="奎屯市人民检察院").id != register().id


def test_an_agency_has_a_name() -> None:
    with pytest.raises(InvalidValue):
        register(name="  ")


def test_a_procuratorate_knows_it_is_one() -> None:
    assert register().is_procuratorate
    assert not register(
        kind="civil-affairs", services=["minimum-living-allowance"]
    ).is_procuratorate


def test_an_agency_may_name_its_superior() -> None:
    superior = register(name="伊犁州人民检察院", level="prefecture", region_code="6540")
    agency = register(parent_id=superior.id)
    assert agency.parent_id == superior.id
    assert_rebuilds(agency)
