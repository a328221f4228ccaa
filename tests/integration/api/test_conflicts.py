"""409: a step out of order, a status change the referral does not allow, a duplicate."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api.conftest import AGENCIES, WAGE_BASIS, Api, assert_problem

OUTCOME = {"successful": True, "provisions": [{"kind": "allowance", "provider": "民政局"}]}


@pytest.mark.parametrize(
    "step, body",
    [
        ("review", {"situation": "serious-injury-unpaid", "notes": "审查"}),
        ("submission", {"proposed_fen": 100_000}),
        ("approval", {"approved": True}),
        ("grant", {"amount_fen": 100_000, **WAGE_BASIS}),
        ("disbursements", {"amount_fen": 100_000}),
        ("follow-ups", {"on_behalf_of": "x", "notes": "回访"}),
    ],
)
def test_a_case_step_out_of_order_is_409(api: Api, step: str, body: dict[str, Any]) -> None:
    case_id = api.case("p")
    before = api.log_position()
    response = api.post("p", f"/cases/{case_id}/{step}", body)
    assert_problem(response, 409, "case-step-out-of-order")
    assert api.log_position() == before
    assert api.get("p", f"/cases/{case_id}").json()["stage"] == "received"


@pytest.mark.parametrize(
    "done, then",
    [
        ([], ("complete", {"outcome": OUTCOME})),  # requested → completed skips acceptance
        ([], ("hold", {"reason": "等待材料"})),
        ([("reject", {"reason": "不符合条件"})], ("accept", {})),
        ([("receive", {}), ("receive", {})], None),  # received twice
        ([("accept", {}), ("complete", {"outcome": OUTCOME})], ("fail", {"reason": "x"})),
        ([("cancel", {"reason": "撤回"})], ("receive", {})),
    ],
)
def test_a_referral_transition_not_allowed_is_409(
    api: Api, done: list[tuple[str, dict[str, Any]]], then: tuple[str, dict[str, Any]] | None
) -> None:
    referral_id = api.referral("p", "ca")
    *before_last, last = [*done, then] if then else done
    for action, body in before_last:
        who = "p" if action == "cancel" else "ca"
        api.ok(who, f"/referrals/{referral_id}/{action}", {"on_behalf_of": "经办人", **body})
    status = api.get("ca", f"/referrals/{referral_id}").json()["status"]
    position = api.log_position()
    action, body = last
    response = api.post(
        "ca", f"/referrals/{referral_id}/{action}", {"on_behalf_of": "经办人", **body}
    )
    assert_problem(response, 409, "referral-transition-not-allowed")
    assert api.log_position() == position
    assert api.get("ca", f"/referrals/{referral_id}").json()["status"] == status


def test_only_a_rejected_referral_is_re_referred_and_only_once(api: Api) -> None:
    referral_id = api.referral("p", "ca")
    again = {"recipient_id": api.ids["mi"], "reason": "转医保", "on_behalf_of": "承办人"}
    again["services"] = ["medical-aid"]  # type: ignore[assignment]
    assert_problem(
        api.post("p", f"/referrals/{referral_id}/re-refer", again), 409, "re-referral-not-allowed"
    )
    api.ok(
        "ca", f"/referrals/{referral_id}/reject", {"on_behalf_of": "x", "reason": "不属于本单位"}
    )
    new_id = api.ok("p", f"/referrals/{referral_id}/re-refer", again)["id"]
    position = api.log_position()
    assert_problem(
        api.post("p", f"/referrals/{referral_id}/re-refer", again), 409, "re-referral-not-allowed"
    )
    assert api.log_position() == position
    assert api.get("p", f"/referrals/{referral_id}").json()["re_referred_to"] == new_id


def test_a_failed_referral_is_re_referred_so_the_person_does_not_fall_through(api: Api) -> None:
    referral_id = api.referral("p", "ca")
    api.ok("ca", f"/referrals/{referral_id}/accept", {"on_behalf_of": "经办人"})
    api.ok(
        "ca", f"/referrals/{referral_id}/fail", {"on_behalf_of": "经办人", "reason": "无法联系本人"}
    )
    again = {"recipient_id": api.ids["mi"], "reason": "转医保", "on_behalf_of": "承办人"}
    again["services"] = ["medical-aid"]  # type: ignore[assignment]
    assert_problem(
        api.post("ca", f"/referrals/{referral_id}/re-refer", again), 403, "referral-wrong-side"
    )
    new_id = api.ok("p", f"/referrals/{referral_id}/re-refer", again)["id"]
    assert api.get("p", f"/referrals/{referral_id}").json()["re_referred_to"] == new_id
    assert api.get("mi", f"/referrals/{new_id}").json()["re_referral_of"] == referral_id


def test_registering_an_agency_twice_is_409(api: Api) -> None:
    """Agency names are unique: the same name again (under a new key) conflicts."""
    position = api.log_position()
    for short in ("p", "ca"):
        response = api.post("admin", "/agencies", AGENCIES[short])
        assert_problem(response, 409, "version-conflict")
    renamed_kind = {**AGENCIES["ent"], "kind": "other", "services": ["job"]}
    assert_problem(api.post("admin", "/agencies", renamed_kind), 409, "version-conflict")
    assert api.log_position() == position
    assert api.get("admin", f"/agencies/{api.ids['ent']}").json()["kind"] == "enterprise"


def test_joining_a_mechanism_twice_is_409(api: Api) -> None:
    mechanism = {
        "name": "测试县司法救助与社会救助衔接机制",
        "region_code": "659001",
        "lead_agency_id": api.ids["p"],
        "signed_on": "2026-03-01",
        "members": [{"agency_id": api.ids["p"], "responsibility": "牵头"}],
    }
    mechanism_id = api.ok("admin", "/mechanisms", mechanism)["id"]
    join = {"agency_id": api.ids["ca"], "responsibility": "低保", "joined_on": "2026-03-02"}
    api.ok("admin", f"/mechanisms/{mechanism_id}/members", join)
    position = api.log_position()
    response = api.post("admin", f"/mechanisms/{mechanism_id}/members", join)
    assert_problem(response, 409, "mechanism-membership")
    assert api.log_position() == position


def test_an_idempotency_key_reused_for_another_request_is_409(api: Api) -> None:
    person_id = api.person("p")
    body = {
        "recipient_id": api.ids["ca"],
        "person_id": person_id,
        "reason": "生活困难",
        "services": ["temporary-aid"],
        "on_behalf_of": "承办人",
    }
    first = api.post("p", "/referrals", body, key="reused-key")
    assert first.status_code == 201
    position = api.log_position()
    other_body = api.post("p", "/referrals", {**body, "reason": "另一原因"}, key="reused-key")
    assert_problem(other_body, 409, "idempotency-key-reused")
    other_path = api.post(
        "p",
        f"/persons/{person_id}/consent/withdraw",
        {"on_behalf_of": "x", "reason": "y"},
        "reused-key",
    )
    assert_problem(other_path, 409, "idempotency-key-reused")
    assert api.log_position() == position
