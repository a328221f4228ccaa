"""Officials act as themselves: users as events, local sign-in, sessions, lockout, TOTP,
disabled users and machine tokens (expiry, revocation, rotation), on each log. Who may call the
administration routes is in the access matrix (``test_access_matrix.py``)."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

import pyotp
import pytest

from hub.access.tokens import AuditorIsAUser, Role
from tests.integration.api.conftest import PASSWORD, Api, assert_problem


def sign_in(api: Api, agency: str, staff_number: str, password: str, **extra: Any) -> Any:
    body = {"agency": agency, "staff_number": staff_number, "password": password, **extra}
    return api.client.post("/auth/sign-in", json=body)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def add(api: Api, agency: str, number: str, roles: list[str], **extra: Any) -> Any:
    body = {
        "agency_id": api.ids[agency],
        "name": "王经办",
        "staff_number": number,
        "roles": roles,
        "password": PASSWORD,
        **extra,
    }
    return api.post("admin", "/users", body)


def test_an_official_signs_in_by_agency_name_and_staff_number(api: Api) -> None:
    assert add(api, "ca", "CA-001", ["caseworker"]).status_code == 201
    signed = sign_in(api, "测试县民政局", "CA-001", PASSWORD)
    assert signed.status_code == 200, signed.text
    answer = signed.json()
    assert answer["kind"] == "user" and answer["roles"] == ["caseworker"]
    assert answer["agency_id"] == api.ids["ca"] and answer["name"] == "王经办"
    assert answer["expires"] > time.time()
    me = api.client.get("/auth/me", headers=bearer(answer["token"])).json()
    assert me["user_id"] == answer["user_id"] and me["role"] == "staff"
    # the session acts for its agency
    inbox = api.client.get(f"/agencies/{api.ids['ca']}/referrals", headers=bearer(answer["token"]))
    assert inbox.status_code == 200


def test_sign_out_revokes_the_session(api: Api) -> None:
    who = api.as_official("p", "case_officer", "李检察官")
    assert api.get(who, "/auth/me").json()["name"] == "李检察官"
    assert api.post(who, "/auth/sign-out").status_code == 204
    assert_problem(api.get(who, "/auth/me"), 401, "unauthorized")


def test_a_wrong_password_and_an_unknown_official_get_the_same_answer(api: Api) -> None:
    add(api, "ca", "CA-002", ["caseworker"])
    wrong = sign_in(api, api.ids["ca"], "CA-002", "not the password at all")
    unknown = sign_in(api, api.ids["ca"], "CA-404", PASSWORD)
    for answer in (wrong, unknown):
        body = assert_problem(answer, 401, "sign-in-refused")
    assert wrong.json()["detail"] == unknown.json()["detail"] == body["detail"]


def test_repeated_failures_lock_the_account_with_retry_after(api: Api) -> None:
    add(api, "mi", "MI-001", ["head"])
    for _ in range(4):
        assert_problem(
            sign_in(api, api.ids["mi"], "MI-001", "guess guess guess"), 401, "sign-in-refused"
        )
    locked = sign_in(api, api.ids["mi"], "MI-001", "guess guess guess")
    assert_problem(locked, 429, "sign-in-locked")
    assert 1 <= int(locked.headers["Retry-After"]) <= 30
    # while locked, even the right password is refused
    assert_problem(sign_in(api, api.ids["mi"], "MI-001", PASSWORD), 429, "sign-in-locked")


def test_a_second_factor_once_enrolled_is_required(api: Api) -> None:
    user_id = add(api, "ent", "ENT-001", ["head"]).json()["id"]
    enrolled = api.post("admin", f"/users/{user_id}/totp")
    assert enrolled.status_code == 200, enrolled.text
    totp = pyotp.TOTP(enrolled.json()["secret"])
    assert_problem(sign_in(api, api.ids["ent"], "ENT-001", PASSWORD), 401, "sign-in-refused")
    assert sign_in(api, api.ids["ent"], "ENT-001", PASSWORD, code=totp.now()).status_code == 200


def test_a_disabled_official_can_neither_act_nor_sign_in(api: Api) -> None:
    who = api.as_official("ca", "caseworker")
    user_id = api.users[who]
    disabled = api.post("admin", f"/users/{user_id}/disable", {"reason": "调离"})
    assert disabled.status_code == 200, disabled.text
    assert_problem(api.get(who, "/auth/me"), 401, "unauthorized")
    number = api.get("admin", f"/users/{user_id}").json()["staff_number"]
    assert_problem(sign_in(api, api.ids["ca"], number, PASSWORD), 401, "sign-in-refused")
    again = api.post("admin", f"/users/{user_id}/disable", {"reason": "again"})
    assert_problem(again, 409, "user-disabled")
    assert api.get("admin", f"/users/{user_id}").json()["disabled"] is True


def test_roles_follow_the_agency_kind_and_changes_count_at_once(api: Api) -> None:
    assert_problem(add(api, "ca", "CA-003", ["case_officer"]), 422, "role-not-allowed")
    assert_problem(add(api, "p", "P-100", ["admin", "case_officer"]), 422, "role-not-allowed")
    assert add(api, "p", "P-101", ["case_officer"]).status_code == 201
    assert_problem(add(api, "p", "P-101", ["case_officer"]), 409, "user-exists")
    who = api.as_official("p", "case_officer")
    changed = api.post("admin", f"/users/{api.users[who]}/roles", {"roles": ["auditor"]})
    assert changed.status_code == 200, changed.text
    me = api.get(who, "/auth/me").json()
    assert (me["roles"], me["role"]) == (["auditor"], "auditor")


def test_officials_with_oversight_roles_administer_and_audit(api: Api) -> None:
    admin = api.as_official("p", "admin", "系统管理员")
    auditor = api.as_official("p", "auditor", "审计员")
    body = {"agency_id": api.ids["mi"], "name": "赵", "staff_number": "MI-9", "roles": ["head"]}
    assert api.post(admin, "/users", body).status_code == 201
    assert_problem(api.post(auditor, "/users", {**body, "staff_number": "MI-10"}), 403, "forbidden")
    listed = api.get(auditor, f"/users?agency_id={api.ids['mi']}").json()
    assert "MI-9" in {u["staff_number"] for u in listed}
    caseworker = api.as_official("mi", "head")
    assert_problem(api.get(caseworker, "/users"), 403, "forbidden")


def test_an_external_id_maps_one_official(api: Api) -> None:
    first = add(api, "ent", "ENT-002", ["head"], external_id="zhao@ent")
    assert first.status_code == 201
    assert str(api.services.hub.user_id_for_external_id("zhao@ent")) == first.json()["id"]
    assert_problem(add(api, "ent", "ENT-003", ["head"], external_id="zhao@ent"), 409, "user-exists")


def test_an_expired_session_is_refused(api: Api) -> None:
    who = api.as_official("ca", "head")
    identity = api.services.identity
    started = identity.sessions.start(identity.sessions.find(api.tokens[who]).user_id, 0.05)
    assert identity.authenticate(started.token) is not None
    time.sleep(0.1)
    assert identity.authenticate(started.token) is None


# Machine tokens (connectors)


def test_no_bare_auditor_token_only_an_auditor_who_signs_in(api: Api) -> None:
    before = len(api.get("admin", "/tokens").json())
    refused = api.post("admin", "/tokens", {"role": "auditor", "label": "an auditor"})
    body = assert_problem(refused, 422, "auditor-is-a-user")
    assert "hub user add" in body["detail"] and "--role auditor" in body["detail"]
    assert len(api.get("admin", "/tokens").json()) == before  # nothing issued
    with pytest.raises(AuditorIsAUser):
        api.services.access.issue(Role.AUDITOR, None, "an auditor")
    # the auditor signs in as an official and reads as one
    auditor = api.as_official("ca", "auditor", "审计员甲")
    me = api.get(auditor, "/auth/me").json()
    assert (me["role"], me["kind"]) == ("auditor", "user")
    assert api.get(auditor, f"/cases?procuratorate_id={api.ids['p']}").status_code == 200
    # the break-glass administrator's token stays, for first start
    admin = api.post("admin", "/tokens", {"role": "admin", "label": "break-glass"})
    assert admin.status_code == 201 and admin.json()["role"] == "admin"


def test_an_auditor_token_from_before_is_not_rotated_into_a_new_one(api: Api) -> None:
    """Auditor tokens issued before auditors signed in work until revoked; none succeeds them."""
    token_id = "0ld4ud170r70k3n"
    row = ("legacy-auditor-hash", token_id, Role.AUDITOR.value, None, "旧审计令牌", 0.0)
    with api.services.access.db.transaction() as tx:
        tx.executemany("INSERT INTO hub_tokens VALUES (?, ?, ?, ?, ?, ?, 0)", [row])
    before = len(api.get("admin", "/tokens").json())
    refused = api.post("admin", f"/tokens/{token_id}/rotate", {})
    assert_problem(refused, 422, "auditor-is-a-user")
    assert len(api.get("admin", "/tokens").json()) == before  # no successor issued


def connector_token(api: Api, agency: str = "ca", **extra: Any) -> dict[str, Any]:
    body = {"agency_id": api.ids[agency], "label": "connector", **extra}
    answer = api.post("admin", "/tokens/connector", body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def can_read_inbox(api: Api, token: str, agency: str = "ca") -> bool:
    path = f"/agencies/{api.ids[agency]}/referrals"
    return bool(api.client.get(path, headers=bearer(token)).status_code == 200)


def test_a_connector_token_acts_for_one_agency(api: Api) -> None:
    issued = connector_token(api, lifetime_days=30)
    assert issued["role"] == "connector" and issued["expires"] > time.time() + 29 * 86400
    assert can_read_inbox(api, issued["token"])
    assert not can_read_inbox(api, issued["token"], "mi")
    me = api.client.get("/auth/me", headers=bearer(issued["token"])).json()
    assert me["kind"] == "connector" and me["user_id"] is None


def test_a_revoked_token_is_refused(api: Api) -> None:
    issued = connector_token(api)
    assert can_read_inbox(api, issued["token"])
    assert api.post("admin", f"/tokens/{issued['token_id']}/revoke").status_code == 204
    assert not can_read_inbox(api, issued["token"])


def test_an_expired_token_is_refused(api: Api) -> None:
    access = api.services.access
    issued = access.issue_token(Role.CONNECTOR, UUID(api.ids["ca"]), "brief", expires_in=0.05)
    assert can_read_inbox(api, issued.token)
    access.forget_cached()
    time.sleep(0.1)
    assert not can_read_inbox(api, issued.token)


def test_rotation_keeps_two_tokens_valid_for_the_overlap(api: Api) -> None:
    old = connector_token(api)
    rotated = api.post("admin", f"/tokens/{old['token_id']}/rotate", {"overlap_hours": 1})
    assert rotated.status_code == 201, rotated.text
    new = rotated.json()
    assert new["token"] != old["token"] and new["agency_id"] == api.ids["ca"]
    assert can_read_inbox(api, old["token"]) and can_read_inbox(api, new["token"])
    listed = {t["token_id"]: t for t in api.get("admin", "/tokens").json()}
    assert listed[old["token_id"]]["replaced_by"] == new["token_id"]
    # an overlap of nothing ends the old one at once
    newest = api.post("admin", f"/tokens/{new['token_id']}/rotate", {"overlap_hours": 0}).json()
    assert not can_read_inbox(api, new["token"]) and can_read_inbox(api, newest["token"])
