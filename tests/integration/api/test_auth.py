"""Who may call at all (401) and who may do what (403): tokens, roles, sides of a referral."""

from __future__ import annotations

import uuid

import pytest

from hub.access.tokens import Role
from tests.integration.api.conftest import Api, assert_problem


def test_health_answers_without_a_token_and_says_only_up(api: Api) -> None:
    """No position: it would tell whether a request appended (an existence oracle)."""
    response = api.client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    for who in ("p", "auditor"):
        assert api.get(who, "/health").json() == {"status": "ok"}


def test_health_shows_positions_and_lags_to_an_administrator(api: Api) -> None:
    answer = api.get("admin", "/health").json()
    assert answer["status"] == "ok"
    assert answer["log_position"] == api.log_position()
    views = {v["view"]: v for v in answer["views"]}
    assert views and all(v["log_position"] == api.log_position() for v in views.values())
    assert all(v["behind"] == v["log_position"] - v["position"] for v in views.values())


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/agencies"),
        ("GET", "/referrals/{id}"),
        ("GET", "/persons/{id}"),
        ("POST", "/referrals"),
        ("POST", "/persons"),
        ("POST", "/agencies"),
    ],
)
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer hub_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "hub_no-scheme"],
)
def test_without_a_valid_token_is_401(
    api: Api, method: str, path: str, authorization: str | None
) -> None:
    before = api.log_position()
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    if authorization is not None:
        headers["Authorization"] = authorization
    body = {"name": "x"} if method == "POST" else None
    response = api.client.request(method, path.format(id=uuid.uuid4()), json=body, headers=headers)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert api.log_position() == before


def test_a_revoked_token_is_401(api: Api) -> None:
    token = api.services.access.issue(Role.STAFF, uuid.UUID(api.ids["ca"]), "leaving staff")
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/agencies", headers=headers).status_code == 200
    principal = api.services.access.authenticate(token)
    assert principal is not None
    assert api.services.access.revoke(principal.token_id)
    assert_problem(api.client.get("/agencies", headers=headers), 401, "unauthorized")


def test_the_auditor_reads_everything_and_changes_nothing(api: Api) -> None:
    referral_id = api.referral("p", "ca")
    case_id = api.case("p")
    person_id = api.person("ca")
    for path in (f"/referrals/{referral_id}", f"/cases/{case_id}", f"/persons/{person_id}"):
        assert api.get("auditor", path).status_code == 200, path
    before = api.log_position()
    attempts = [
        (f"/referrals/{referral_id}/cancel", {"on_behalf_of": "审计员", "reason": "测试"}),
        (f"/referrals/{referral_id}/receive", {"on_behalf_of": "审计员"}),
        (f"/cases/{case_id}/inquiry", {"on_behalf_of": "审计员", "notes": "询问"}),
        (
            f"/persons/{person_id}/consent",
            api.consent_to_all(),
        ),
        ("/persons", {"id_number": "659001199001010013", "name": "某人"}),
        (
            "/referrals",
            {
                "recipient_id": api.ids["ca"],
                "person_id": person_id,
                "reason": "审计员不能转介",
                "services": ["temporary-aid"],
                "on_behalf_of": "审计员",
            },
        ),
        ("/agencies", {**_agency("审计员注册的单位")}),
    ]
    for path, body in attempts:
        assert_problem(api.post("auditor", path, body), 403, "forbidden")
    assert api.log_position() == before
    assert api.get("auditor", f"/referrals/{referral_id}").json()["status"] == "requested"


def _agency(name: str) -> dict[str, object]:
    return {
        "name": name,
        "kind": "other",
        "level": "county",
        "region_code": "659001",
        "services": ["counselling"],
    }


@pytest.mark.parametrize("who", ["p", "ca"])
def test_staff_may_not_administer(api: Api, who: str) -> None:
    person_id = api.person("p")
    before = api.log_position()
    attempts = [
        ("/agencies", _agency(f"{who}想注册的单位")),
        ("/tokens", {"role": "admin", "label": "self-promotion"}),
        ("/tokens", {"role": "staff", "agency_id": api.ids["out"], "label": "someone else's"}),
        (
            "/mechanisms",
            {
                "name": "衔接机制",
                "region_code": "659001",
                "lead_agency_id": api.ids[who],
                "signed_on": "2026-01-01",
                "members": [{"agency_id": api.ids[who], "responsibility": "牵头"}],
            },
        ),
        (f"/persons/{person_id}/erase", {"legal_basis": "x"}),
    ]
    for path, body in attempts:
        assert_problem(api.post(who, path, body), 403, "forbidden")
    assert_problem(api.get(who, "/audit/verify"), 403, "forbidden")
    assert api.log_position() == before


@pytest.mark.parametrize("action", ["receive", "accept", "start", "complete"])
def test_the_requester_may_not_set_the_recipients_statuses(api: Api, action: str) -> None:
    referral_id = api.referral("p", "ca")
    before = api.log_position()
    body = {"on_behalf_of": "承办人", "reason": "x"}
    if action == "complete":
        body["outcome"] = {"successful": True, "provisions": []}  # type: ignore[assignment]
    response = api.post("p", f"/referrals/{referral_id}/{action}", body)
    assert_problem(response, 403, "referral-wrong-side")
    assert api.log_position() == before
    assert api.get("p", f"/referrals/{referral_id}").json()["status"] == "requested"


def test_either_side_may_cancel(api: Api) -> None:
    for side in ("p", "ca"):
        referral_id = api.referral("p", "ca")
        answer = api.ok(
            side, f"/referrals/{referral_id}/cancel", {"on_behalf_of": side, "reason": "撤回"}
        )
        assert answer["status"] == "cancelled"
