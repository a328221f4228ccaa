"""Minimisation: what each kind of agency reads of a person is exactly what hub/privacy.py
declares for that kind, table-driven over every kind; and the agency feed carries none.

One agency of every kind receives a referral about the same person (so each is a party and
may read them); each one's staff then reads the person through the API.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.values import AgencyKind
from hub.demo.driver import Driver
from hub.privacy import ALL, PERSON_FIELDS_BY_KIND

REQUESTER = "最小化测试县人民检察院"
PERSON = {
    "id_number": "659001198801010017",
    "name": "最小化测试当事人",
    "contact": "13900001111",
    "health": "右腿骨折，需手术",
    "family": "父亲服刑，母亲无业",
}


def agency_name(kind: AgencyKind) -> str:
    return f"最小化测试县{kind.value}"


@pytest.fixture(scope="module")
def person(driver: Driver) -> str:
    """A person with every detail, referred by a procuratorate to an agency of every kind."""
    region = {"level": "county", "region_code": "659001"}
    driver.register(REQUESTER, kind="procuratorate", services=["judicial-relief"], **region)
    for kind in AgencyKind:
        driver.register(agency_name(kind), kind=kind.value, services=["temporary-aid"], **region)
    consent_to = {agency_name(kind): ["temporary-aid"] for kind in AgencyKind}
    person_id = driver.person(REQUESTER, consent_to=consent_to, **PERSON)
    for kind in AgencyKind:
        driver.refer(
            REQUESTER,
            agency_name(kind),
            person_id,
            reason="生活困难",
            services=["temporary-aid"],
            on_behalf_of="承办检察官",
        )
    return person_id


def test_every_kind_is_declared() -> None:
    assert set(PERSON_FIELDS_BY_KIND) == set(AgencyKind)
    assert all(set(fields) <= set(ALL) for fields in PERSON_FIELDS_BY_KIND.values())


@pytest.mark.parametrize("kind", list(AgencyKind), ids=lambda k: k.value)
def test_each_kind_reads_exactly_its_declared_fields(
    driver: Driver, person: str, kind: AgencyKind
) -> None:
    seen = driver.get(agency_name(kind), f"/persons/{person}")
    declared = PERSON_FIELDS_BY_KIND[kind]
    assert set(seen) == {"id", "has_consent", *declared}
    assert {f: seen[f] for f in declared} == {f: PERSON[f] for f in declared}
    assert seen["id"] == person and seen["has_consent"] is True
    withheld = [PERSON[f] for f in ALL if f not in declared]
    assert not any(value in str(seen) for value in withheld)


def test_the_auditor_reads_everything(driver: Driver, auditor: str, person: str) -> None:
    seen = driver.get(auditor, f"/persons/{person}")
    assert {f: seen[f] for f in ALL} == PERSON


def test_an_agency_not_party_reads_nothing(driver: Driver, person: str) -> None:
    outsider = "最小化测试县另一企业"
    driver.register(
        outsider, kind="enterprise", level="county", region_code="659001", services=["donation"]
    )
    headers = {"Authorization": f"Bearer {driver.tokens[outsider]}"}
    answer = driver.client.get(f"/persons/{person}", headers=headers)
    assert answer.status_code in (403, 404)
    assert PERSON["name"] not in answer.text


@pytest.mark.parametrize("kind", list(AgencyKind), ids=lambda k: k.value)
def test_the_feed_carries_no_personal_data(driver: Driver, person: str, kind: AgencyKind) -> None:
    name = agency_name(kind)
    feed = driver.client.get(
        f"/agencies/{driver.id(name)}/feed?after=0",
        headers={"Authorization": f"Bearer {driver.tokens[name]}"},
    )
    assert feed.status_code == 200, feed.text
    records: list[dict[str, Any]] = feed.json()["records"]
    assert [r["type"] for r in records] == ["referral.requested"]
    assert records[0]["data"]["person_id"] == person
    assert not any(value in feed.text for value in PERSON.values())
