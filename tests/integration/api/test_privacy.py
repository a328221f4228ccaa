"""Person minimisation: each kind of agency reads only the personal data its part needs."""

from __future__ import annotations

from typing import Any

import pytest

from domain.values import AgencyKind
from tests.integration.api.conftest import Api, id_number

DETAILS = {"contact": "13800000000", "health": "右腿骨折，需手术", "family": "父亲服刑，母亲无业"}
PERSONAL = ("name", "id_number", "contact", "health", "family")
NEVER_FOR_DONORS = ("id_number", "health", "family")


@pytest.fixture(scope="module")
def person(api: Api) -> dict[str, Any]:
    """A person registered by ``p`` with every detail, referred to ``ca``, ``mi`` and ``ent``."""
    body = {"id_number": id_number(), "name": "王某某", **DETAILS}
    person_id = api.ok("p", "/persons", body)["id"]
    api.ok("p", f"/persons/{person_id}/consent", api.consent_to_all())
    referrals = {short: api.referral("p", short, person_id) for short in ("ca", "mi", "ent")}
    return {"id": person_id, **body, "referrals": referrals}


def seen(api: Api, who: str, person: dict[str, Any]) -> dict[str, Any]:
    response = api.get(who, f"/persons/{person['id']}")
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    return {k: v for k, v in view.items() if k in PERSONAL and v is not None}


@pytest.mark.parametrize("who", ["p", "auditor"])
def test_the_procuratorate_and_the_auditor_see_everything(
    api: Api, person: dict[str, Any], who: str
) -> None:
    assert seen(api, who, person) == {k: person[k] for k in PERSONAL}


@pytest.mark.parametrize(
    "who, fields",
    [
        ("ca", {"name", "id_number", "contact", "family"}),
        ("mi", {"name", "id_number", "contact", "health"}),
        ("ent", {"name"}),
    ],
)
def test_a_bureau_or_enterprise_sees_only_its_part(
    api: Api, person: dict[str, Any], who: str, fields: set[str]
) -> None:
    view = seen(api, who, person)
    assert view == {k: person[k] for k in fields}


def test_an_enterprise_sees_no_health_family_or_id_number(api: Api, person: dict[str, Any]) -> None:
    response = api.get("ent", f"/persons/{person['id']}")
    assert set(response.json()) == {"id", "name", "has_consent"}
    for value in (person["id_number"], person["health"], person["family"]):
        assert value not in response.text


DONOR_KINDS = [
    AgencyKind.ENTERPRISE,
    AgencyKind.VOLUNTEER_ASSOCIATION,
    AgencyKind.INDUSTRY_ASSOCIATION,
    AgencyKind.COMMERCE_BUREAU,
    AgencyKind.OTHER,
]


@pytest.mark.parametrize("kind", DONOR_KINDS)
def test_donors_and_helpers_never_see_health_family_or_id_number(
    api: Api, person: dict[str, Any], kind: AgencyKind
) -> None:
    agency = {
        "name": f"测试县{kind.value}",
        "kind": kind.value,
        "level": "county",
        "region_code": "659001",
        "services": ["donation"],
    }
    agency_id = api.ok("admin", "/agencies", agency)["id"]
    api.ids[kind.value] = agency_id
    token = {"role": "staff", "agency_id": agency_id, "label": kind.value}
    api.tokens[kind.value] = api.ok("admin", "/tokens", token)["token"]
    consent = api.consent_to_all(to_agencies=[agency_id], services=["donation"])
    api.ok("p", f"/persons/{person['id']}/consent", consent)
    api.referral("p", kind.value, person["id"], services=["donation"])
    view = seen(api, kind.value, person)
    assert view["name"] == person["name"]
    assert not set(view) & set(NEVER_FOR_DONORS)


def test_referrals_and_lists_carry_no_personal_data(api: Api, person: dict[str, Any]) -> None:
    referral_id = person["referrals"]["ent"]
    for path in (
        f"/referrals/{referral_id}",
        f"/referrals/{referral_id}/history",
        f"/agencies/{api.ids['ent']}/referrals",
        "/agencies",
    ):
        text = api.get("ent", path).text
        for field in PERSONAL:
            assert person[field] not in text, (path, field)


def test_every_read_of_a_person_is_recorded(api: Api, person: dict[str, Any]) -> None:
    api.client.get(
        f"/persons/{person['id']}",
        headers={"Authorization": f"Bearer {api.tokens['mi']}", "X-Purpose": "medical-aid-review"},
    )
    log = api.get("auditor", f"/audit/access-log?person_id={person['id']}").json()
    assert any(e.get("purpose") == "medical-aid-review" for e in log), log
