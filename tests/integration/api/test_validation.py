"""422: unknown fields, malformed values, float money, bad ID numbers and codes write nothing.

Each request here is refused before any command runs, or by a domain rule before any save:
the log's last notification id is the same after it as before.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api.conftest import WAGE_BASIS, Api, assert_problem, id_number
from tests.support.ids import with_check


@pytest.fixture(scope="module")
def granted_case(api: Api) -> str:
    """A case of ``p`` granted 20,000 fen, so disbursements pass every rule but validation."""
    case_id = api.case("p")
    officer = api.as_official("p", "case_officer")
    head = api.as_official("p", "department_head")
    for who, step, body in [
        ("p", "inquiry", {"on_behalf_of": "承办人", "notes": "询问"}),
        ("p", "review", {"situation": "serious-injury-unpaid", "notes": "符合"}),
        (officer, "submission", {"proposed_fen": 20_000}),
        (head, "approval", {"approved": True}),
        ("p", "grant", {"amount_fen": 20_000, **WAGE_BASIS}),
    ]:
        api.ok(who, f"/cases/{case_id}/{step}", body)
    return case_id


@pytest.fixture(scope="module")
def referral_body(api: Api) -> dict[str, Any]:
    return {
        "recipient_id": api.ids["ca"],
        "person_id": api.person("p"),
        "reason": "生活困难",
        "services": ["temporary-aid"],
        "on_behalf_of": "承办人",
    }


def refused(api: Api, path: str, body: Any, rule: str = "validation") -> dict[str, Any]:
    before = api.log_position()
    problem = assert_problem(api.post("p", path, body), 422, rule)
    assert api.log_position() == before, "a refused request wrote to the log"
    return problem


@pytest.mark.parametrize(
    "change",
    [
        {"priority": "urgent"},  # unknown field
        {"person": {"name": "张三"}},  # personal data smuggled in
        {"recipient_id": "not-a-uuid"},
        {"recipient_id": 42},
        {"services": ["teleportation"]},
        {"services": []},
        {"services": "temporary-aid"},
        {"reason": ""},
        {"reason": "长" * 2001},
        {"requested_on": "2026-13-01"},
        {"requested_on": "yesterday"},
        {"case_id": "123"},
    ],
)
def test_a_malformed_referral_is_422(
    api: Api, referral_body: dict[str, Any], change: dict[str, Any]
) -> None:
    problem = refused(api, "/referrals", {**referral_body, **change})
    assert problem["errors"], problem  # says which field
    assert all({"loc", "msg", "type"} <= set(e) for e in problem["errors"])


@pytest.mark.parametrize("missing", ["recipient_id", "person_id", "reason", "services"])
def test_a_referral_missing_a_field_is_422(
    api: Api, referral_body: dict[str, Any], missing: str
) -> None:
    problem = refused(api, "/referrals", {k: v for k, v in referral_body.items() if k != missing})
    assert any(missing in e["loc"] for e in problem["errors"])


@pytest.mark.parametrize("body", [None, [], "referral", 7])
def test_a_body_that_is_not_an_object_is_422(api: Api, body: Any) -> None:
    refused(api, "/referrals", body)


def test_a_body_that_is_not_json_is_422(api: Api) -> None:
    before = api.log_position()
    headers = {**api.headers("p"), "Content-Type": "application/json"}
    response = api.client.post("/referrals", content=b"{not json", headers=headers)
    assert_problem(response, 422, "validation")
    assert api.log_position() == before


@pytest.mark.parametrize(
    "amount", [1000.5, 1000.0, "1000", "10.00", -100, 0, True, None, 10**30 + 0.5]
)
def test_money_is_positive_integer_fen(api: Api, granted_case: str, amount: Any) -> None:
    refused(api, f"/cases/{granted_case}/disbursements", {"amount_fen": amount})


@pytest.mark.parametrize(
    "change",
    [
        {"amount_fen": 20_000.0},
        {"wage_year": 2021.0},
        {"months": 36.0},
        {"strict_review": "no"},
    ],
)
def test_grant_figures_are_integers(api: Api, change: dict[str, Any]) -> None:
    grant = {"amount_fen": 20_000, **WAGE_BASIS}
    refused(api, f"/cases/{api.case('p')}/grant", {**grant, **change})


def test_provision_amounts_are_integer_fen(api: Api) -> None:
    referral_id = api.referral("p", "ca")
    api.ok("ca", f"/referrals/{referral_id}/accept", {"on_behalf_of": "经办人"})
    provision = {"kind": "money", "amount_fen": 500_000.0, "provider": "民政局"}
    body = {"on_behalf_of": "经办人", "outcome": {"successful": True, "provisions": [provision]}}
    before = api.log_position()
    assert_problem(api.post("ca", f"/referrals/{referral_id}/complete", body), 422, "validation")
    assert api.log_position() == before


@pytest.mark.parametrize(
    "number",
    [
        "",
        "12345",
        "65900119900101001",  # 17 characters
        "6590011990010100123",  # 19
        "65900119900101001XX",
        "X59001199001010011",  # X only as the check character
        "65900119900101O011",  # letter O for zero
        "659001 19900101001",
        659001199001010013,  # a number, not a string
    ],
)
def test_a_malformed_id_number_is_422(api: Api, number: Any) -> None:
    refused(api, "/persons", {"id_number": number, "name": "张三"})


def wrong_check(body: str) -> str:
    right = with_check(body)
    return body + ("0" if right[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("number", "said"),
    [
        (with_check("65900119901301001"), "birth date"),  # month 13
        (with_check("65900119900230001"), "birth date"),  # 30 February
        (wrong_check("65900119900101001"), "check character"),
    ],
)
def test_an_id_number_failing_gb_11643_is_422_naming_the_rule(
    api: Api, number: str, said: str
) -> None:
    problem = refused(api, "/persons", {"id_number": number, "name": "张三"}, "id-number-invalid")
    assert said in problem["detail"]
    assert number not in str(problem)


@pytest.mark.parametrize(
    "change",
    [
        {"ethnicity": "汉"},
        {"name": ""},
        {"health": 3},
        {"id_number": id_number(), "name": None},
    ],
)
def test_a_malformed_person_is_422(api: Api, change: dict[str, Any]) -> None:
    refused(api, "/persons", {"id_number": id_number(), "name": "张三", **change})


AGENCY = {
    "name": "测试县残疾人联合会",
    "kind": "disabled-persons-federation",
    "level": "county",
    "region_code": "659001",
    "services": ["medical-aid"],
}


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "ministry"},
        {"kind": "PROCURATORATE"},
        {"level": "village"},
        {"region_code": "6590011"},
        {"region_code": "65A"},
        {"services": ["medical-aid", "free-lunch"]},
        {"response_days": 0},
        {"response_days": 61},
        {"response_days": 5.0},
        {"response_days": "5"},
        {"parent_id": "the-province"},
        {"director": "某某"},
    ],
)
def test_a_malformed_agency_is_422(api: Api, change: dict[str, Any]) -> None:
    before = api.log_position()
    response = api.post("admin", "/agencies", {**AGENCY, **change})
    assert_problem(response, 422, "validation")
    assert api.log_position() == before


@pytest.mark.parametrize(
    "path, body",
    [
        ("/cases", {"source": "rumour", "summary": "x"}),
        ("/cases/{case}/review", {"situation": "felt-sorry", "notes": "x"}),
        ("/cases/{case}/refusal", {"ground": "too-busy", "detail": "x"}),
        ("/cases/{case}/follow-ups", {"on_behalf_of": "x", "notes": "x", "new_needs": ["yacht"]}),
        ("/referrals/{referral}/approve", {"on_behalf_of": "x"}),  # not an action
        ("/referrals/not-a-uuid/accept", {"on_behalf_of": "x"}),
        ("/cases/not-a-uuid/inquiry", {"on_behalf_of": "x", "notes": "x"}),
    ],
)
def test_bad_codes_and_ids_are_422(api: Api, path: str, body: dict[str, Any]) -> None:
    person_id = api.person("p")
    values = {"case": api.case("p", person_id), "referral": api.referral("p", "ca", person_id)}
    if path == "/cases":
        body = {**body, "person_id": person_id}
    refused(api, path.format(**values), body)


def test_a_refused_request_leaves_its_idempotency_key_free(
    api: Api, referral_body: dict[str, Any]
) -> None:
    malformed = api.post("p", "/referrals", {**referral_body, "x": 1}, key="first-try")
    assert_problem(malformed, 422, "validation")
    fixed = api.post("p", "/referrals", referral_body, key="first-try")
    assert fixed.status_code == 201, fixed.text


@pytest.mark.parametrize(
    "action, body, rule",
    [
        ("reject", {}, "reason-required"),
        ("reject", {"reason": "   "}, "validation"),
        ("complete", {}, "invalid-value"),
        ("complete", {"outcome": {"successful": False}}, "reason-required"),
        ("accept", {"outcome": {"successful": True}}, "invalid-value"),
    ],
)
def test_domain_rules_on_values_are_422(
    api: Api, action: str, body: dict[str, Any], rule: str
) -> None:
    referral_id = api.referral("p", "ca")
    if action == "complete":
        api.ok("ca", f"/referrals/{referral_id}/accept", {"on_behalf_of": "经办人"})
    before = api.log_position()
    response = api.post(
        "ca", f"/referrals/{referral_id}/{action}", {"on_behalf_of": "经办人", **body}
    )
    assert_problem(response, 422, rule)
    assert api.log_position() == before


def test_referral_rules_are_422(api: Api, referral_body: dict[str, Any]) -> None:
    unwilling = api.ok("p", "/persons", {"id_number": id_number(), "name": "未同意者"})["id"]
    refused(api, "/referrals", {**referral_body, "person_id": unwilling}, "consent-required")
    refused(
        api, "/referrals", {**referral_body, "services": ["medical-aid"]}, "service-not-offered"
    )


@pytest.mark.parametrize(
    "query",
    [
        "/referrals?box=spam",
        "/feed?after=-1",
        "/feed?after=first",
        "/feed?wait=31",
        "/feed?limit=0",
        "/feed?limit=501",
    ],
)
def test_malformed_queries_are_422(api: Api, query: str) -> None:
    response = api.get("p", f"/agencies/{api.ids['p']}{query}")
    assert_problem(response, 422, "validation")
