"""What an agency may see: only what it is party to; everything else reads as not found (404).

A non-party gets the same 404 as for an id that does not exist, so ids cannot be probed; the
answer is 404, never 403, and nothing is written.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.integration.api.conftest import Api, assert_problem


def comparable(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem.items() if k != "instance"}


@pytest.fixture(scope="module")
def world(api: Api) -> dict[str, str]:
    """A case of ``p`` about a person, with a referral from ``p`` to ``ca`` about them."""
    person_id = api.person("p", health="糖尿病", family="单亲家庭")
    case_id = api.case("p", person_id)
    referral_id = api.referral("p", "ca", person_id, case_id)
    return {"person": person_id, "case": case_id, "referral": referral_id}


READS = [
    "/referrals/{referral}",
    "/referrals/{referral}/history",
    "/cases/{case}",
    "/cases/{case}/history",
    "/persons/{person}",
    "/persons/{person}/aid",
]

CHANGES: list[tuple[str, dict[str, Any]]] = [
    ("/referrals/{referral}/receive", {"on_behalf_of": "x"}),
    ("/referrals/{referral}/accept", {"on_behalf_of": "x"}),
    ("/referrals/{referral}/reject", {"on_behalf_of": "x", "reason": "不是我们的"}),
    ("/referrals/{referral}/cancel", {"on_behalf_of": "x", "reason": "撤销"}),
    (
        "/referrals/{referral}/re-refer",
        {"recipient_id": "{mi}", "reason": "转给医保", "on_behalf_of": "x"},
    ),
    ("/cases/{case}/inquiry", {"on_behalf_of": "x", "notes": "询问"}),
    ("/cases/{case}/closure", {"reason": "结案"}),
    (
        "/persons/{person}/consent",
        {
            "to_kinds": ["civil-affairs"],
            "services": ["temporary-aid"],
            "evidence": "written",
            "on_behalf_of": "x",
        },
    ),
    ("/persons/{person}/consent/withdraw", {"on_behalf_of": "x", "reason": "撤回"}),
]


def fill(template: Any, values: dict[str, str]) -> Any:
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    return template


def unknown(world: dict[str, str]) -> dict[str, str]:
    return {k: str(uuid.uuid4()) for k in world}


@pytest.mark.parametrize("path", READS)
def test_unknown_ids_are_404(api: Api, world: dict[str, str], path: str) -> None:
    assert_problem(api.get("p", fill(path, unknown(world))), 404, "not-found")


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize("outsider", ["out", "mi"])
def test_a_non_party_reads_nothing(
    api: Api, world: dict[str, str], path: str, outsider: str
) -> None:
    assert api.get("p", fill(path, world)).status_code == 200  # it is there
    assert_problem(api.get(outsider, fill(path, world)), 404, "not-found")


@pytest.mark.parametrize("path, body", CHANGES)
def test_a_non_party_changes_nothing(
    api: Api, world: dict[str, str], path: str, body: dict[str, Any]
) -> None:
    values = {**world, **api.ids}
    before = api.log_position()
    response = api.post("out", fill(path, values), fill(body, values))
    assert_problem(response, 404, "not-found")
    missing = api.post("out", fill(path, {**values, **unknown(world)}), fill(body, values))
    assert_problem(missing, 404, "not-found")
    assert api.log_position() == before
    assert api.get("p", f"/referrals/{world['referral']}").json()["status"] == "requested"


def test_the_recipient_does_not_handle_the_requesters_case(api: Api, world: dict[str, str]) -> None:
    """Civil affairs reads the case it has a referral about, but only ``p`` handles it."""
    assert api.get("ca", f"/cases/{world['case']}").status_code == 200
    before = api.log_position()
    step = api.post("ca", f"/cases/{world['case']}/inquiry", {"on_behalf_of": "x", "notes": "询问"})
    assert_problem(step, 404, "not-found")
    assert api.log_position() == before


@pytest.mark.parametrize("path", ["/referrals/{referral}", "/cases/{case}", "/persons/{person}"])
def test_a_non_party_cannot_tell_existing_from_unknown(
    api: Api, world: dict[str, str], path: str
) -> None:
    existing = api.get("out", fill(path, world)).json()
    missing = api.get("out", fill(path, unknown(world))).json()
    assert comparable(existing) == comparable(missing)


def ids_of(answer: Any) -> set[str]:
    assert answer.status_code == 200, answer.text
    return {r["id"] for r in answer.json()}


def test_no_agency_sees_another_agencys_referrals(api: Api, world: dict[str, str]) -> None:
    to_enterprise = api.referral("p", "ent")
    between_others = api.referral("ca", "mi")
    p, ca, ent = (api.ids[k] for k in ("p", "ca", "ent"))

    assert {world["referral"], to_enterprise} <= ids_of(api.get("p", f"/agencies/{p}/referrals"))
    assert between_others not in ids_of(api.get("p", f"/agencies/{p}/referrals"))
    ca_sees = ids_of(api.get("ca", f"/agencies/{ca}/referrals"))
    assert {world["referral"], between_others} <= ca_sees
    assert to_enterprise not in ca_sees
    assert ids_of(api.get("ent", f"/agencies/{ent}/referrals?box=inbox")) == {to_enterprise}
    assert ids_of(api.get("ent", f"/agencies/{ent}/referrals?box=outbox")) == set()
    assert ids_of(api.get("out", f"/agencies/{api.ids['out']}/referrals")) == set()

    # Another agency's list, or feed, is not found — even for a party to some of its referrals.
    for who, whose in [("out", p), ("ca", p), ("ent", p), ("p", ca), ("mi", ent)]:
        for path in (f"/agencies/{whose}/referrals", f"/agencies/{whose}/feed"):
            assert_problem(api.get(who, path), 404, "not-found")

    # Each referral reads only for its two parties.
    for referral_id, parties in [
        (world["referral"], {"p", "ca"}),
        (to_enterprise, {"p", "ent"}),
        (between_others, {"ca", "mi"}),
    ]:
        for who in ("p", "ca", "mi", "ent", "out"):
            expected = 200 if who in parties else 404
            assert api.get(who, f"/referrals/{referral_id}").status_code == expected, who

    # The auditor lists anyone's referrals.
    assert {world["referral"], to_enterprise} <= ids_of(
        api.get("auditor", f"/agencies/{p}/referrals")
    )


def test_reading_another_agencys_referral_writes_nothing(api: Api, world: dict[str, str]) -> None:
    before = api.log_position()
    api.get("out", f"/persons/{world['person']}")
    api.get("out", f"/referrals/{world['referral']}")
    assert api.log_position() == before


def test_an_outsider_cannot_join_a_case_by_referring_to_its_procuratorate(
    api: Api, world: dict[str, str]
) -> None:
    own_person = api.person("mi")
    body = {
        "recipient_id": api.ids["p"],
        "person_id": own_person,
        "case_id": world["case"],
        "reason": "线索移送",
        "services": ["judicial-relief"],
        "on_behalf_of": "经办人",
    }
    before = api.log_position()
    assert_problem(api.post("mi", "/referrals", body), 404, "not-found")
    assert api.log_position() == before
    assert_problem(api.get("mi", f"/cases/{world['case']}"), 404, "not-found")
