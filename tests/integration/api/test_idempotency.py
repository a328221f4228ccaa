"""Idempotent POSTs: a retry with the same key and body gets the first answer, appends nothing."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.integration.api.conftest import Api, assert_problem

REPLAYED = "idempotent-replayed"


def referral_body(api: Api, person_id: str) -> dict[str, Any]:
    return {
        "recipient_id": api.ids["ca"],
        "person_id": person_id,
        "reason": "生活困难",
        "services": ["temporary-aid"],
        "on_behalf_of": "承办人",
    }


def test_a_retried_referral_is_created_once(api: Api) -> None:
    body = referral_body(api, api.person("p"))
    key = uuid.uuid4().hex
    first = api.post("p", "/referrals", body, key=key)
    assert first.status_code == 201 and REPLAYED not in first.headers
    position = api.log_position()
    outbox = api.get("p", f"/agencies/{api.ids['p']}/referrals?box=outbox").json()
    for _ in range(3):
        retry = api.post("p", "/referrals", body, key=key)
        assert retry.status_code == 201
        assert retry.headers[REPLAYED] == "true"
        assert retry.headers["content-type"] == "application/json"
        assert retry.content == first.content
    assert api.log_position() == position
    assert api.get("p", f"/agencies/{api.ids['p']}/referrals?box=outbox").json() == outbox


def test_a_retried_status_change_is_applied_once(api: Api) -> None:
    referral_id = api.referral("p", "ca")
    first = api.post(
        "ca", f"/referrals/{referral_id}/receive", {"on_behalf_of": "经办人"}, key="rx"
    )
    assert first.json()["status"] == "received"
    position = api.log_position()
    retry = api.post(
        "ca", f"/referrals/{referral_id}/receive", {"on_behalf_of": "经办人"}, key="rx"
    )
    assert (retry.status_code, retry.json(), retry.headers[REPLAYED]) == (200, first.json(), "true")
    assert api.log_position() == position
    history = api.get("ca", f"/referrals/{referral_id}/history").json()
    assert len(history) == 2


def test_a_retried_failure_returns_the_same_problem(api: Api) -> None:
    """The first answer stands, even once the command would now succeed."""
    referral_id = api.referral("p", "ca")
    path = f"/referrals/{referral_id}/reject"
    first = api.post("ca", path, {"on_behalf_of": "经办人"}, key="no-reason")
    problem = assert_problem(first, 422, "reason-required")
    assert REPLAYED not in first.headers
    position = api.log_position()
    retry = api.post("ca", path, {"on_behalf_of": "经办人"}, key="no-reason")
    assert retry.status_code == 422 and retry.headers[REPLAYED] == "true"
    assert retry.headers["content-type"].startswith("application/problem+json")
    assert retry.json() == problem
    assert api.log_position() == position

    out_of_order = f"/referrals/{referral_id}/start"
    first = api.post("ca", out_of_order, {"on_behalf_of": "经办人"}, key="too-early")
    problem = assert_problem(first, 409, "referral-transition-not-allowed")
    api.ok("ca", f"/referrals/{referral_id}/accept", {"on_behalf_of": "经办人"})
    position = api.log_position()
    retry = api.post("ca", out_of_order, {"on_behalf_of": "经办人"}, key="too-early")
    assert (retry.status_code, retry.json()) == (409, problem)
    assert api.log_position() == position
    assert api.get("ca", f"/referrals/{referral_id}").json()["status"] == "accepted"


def test_keys_are_per_agency(api: Api) -> None:
    """Two agencies may happen to use the same key: each gets its own answer."""
    key = "shared-" + uuid.uuid4().hex
    from_p = api.post("p", "/referrals", referral_body(api, api.person("p")), key=key)
    from_ca = api.post(
        "ca",
        "/referrals",
        {**referral_body(api, api.person("ca")), "recipient_id": api.ids["mi"]}
        | {"services": ["medical-aid"]},
        key=key,
    )
    assert from_p.status_code == from_ca.status_code == 201
    assert REPLAYED not in from_ca.headers
    assert from_p.json()["id"] != from_ca.json()["id"]


def test_a_retried_case_step_and_registration(api: Api) -> None:
    person = {"id_number": "659001198001010019", "name": "李四", "health": "良好"}
    first = api.post("p", "/persons", person, key="person-1")
    position = api.log_position()
    assert api.post("p", "/persons", person, key="person-1").json() == first.json()
    assert api.log_position() == position

    case_id = api.case("p")
    inquiry = {"on_behalf_of": "承办人", "notes": "询问当事人"}
    first = api.post("p", f"/cases/{case_id}/inquiry", inquiry, key="inquiry-1")
    position = api.log_position()
    retry = api.post("p", f"/cases/{case_id}/inquiry", inquiry, key="inquiry-1")
    assert retry.json() == first.json() == {"id": case_id, "stage": "inquired", "version": 2}
    assert api.log_position() == position
    events = [e["event"] for e in api.get("p", f"/cases/{case_id}/history").json()]
    assert events == ["LeadReceived", "InquiryRecorded"]


def test_a_retried_agency_registration(api: Api) -> None:
    agency = {
        "name": "测试县义工协会",
        "kind": "volunteer-association",
        "level": "county",
        "region_code": "659001",
        "services": ["counselling"],
    }
    first = api.post("admin", "/agencies", agency, key="agency-1")
    assert first.status_code == 201
    position = api.log_position()
    retry = api.post("admin", "/agencies", agency, key="agency-1")
    assert (retry.status_code, retry.json(), retry.headers[REPLAYED]) == (201, first.json(), "true")
    assert api.log_position() == position


def test_concurrent_retries_create_one_referral(api: Api) -> None:
    """Eight copies of one request at once: one runs; the others replay it or are told it runs."""
    body = referral_body(api, api.person("p"))
    key = uuid.uuid4().hex
    position = api.log_position()
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: api.post("p", "/referrals", body, key=key), range(8)))
    created = {a.json()["id"] for a in answers if a.status_code == 201}
    assert len(created) == 1
    for answer in answers:
        if answer.status_code != 201:
            assert_problem(answer, 409, "idempotency-conflict")
    assert api.log_position() == position + 2  # the referral and the key's answer
    retry = api.post("p", "/referrals", body, key=key)
    assert retry.status_code == 201 and retry.json()["id"] in created


def test_a_key_reused_for_another_request_is_409_once_its_answer_is_in_the_log(api: Api) -> None:
    person_id = api.person("p")
    key = uuid.uuid4().hex
    assert api.post("p", "/referrals", referral_body(api, person_id), key=key).status_code == 201
    position = api.log_position()
    other = {**referral_body(api, person_id), "reason": "另一个请求"}
    assert_problem(api.post("p", "/referrals", other, key=key), 409, "idempotency-key-reused")
    assert api.log_position() == position


def test_the_first_answer_is_in_the_log_not_only_in_the_access_store(api: Api) -> None:
    """Committed with the referral: with the access store's records gone, the retry replays."""
    body = referral_body(api, api.person("p"))
    key = uuid.uuid4().hex
    first = api.post("p", "/referrals", body, key=key)
    assert first.status_code == 201
    scope = api.ids["p"]
    answer = api.services.hub.recorded_answer(scope, key)
    assert answer is not None and (answer.status, answer.body) == (201, first.text)
    api.services.access._db.run("DELETE FROM hub_idempotency")  # the store forgets everything
    position = api.log_position()
    retry = api.post("p", "/referrals", body, key=key)
    assert (retry.status_code, retry.content, retry.headers[REPLAYED]) == (
        201,
        first.content,
        "true",
    )
    assert api.log_position() == position


def test_a_refusal_appends_nothing_and_keeps_its_answer_in_the_access_store(api: Api) -> None:
    referral_id = api.referral("p", "ca")
    key = uuid.uuid4().hex
    position = api.log_position()
    first = api.post("ca", f"/referrals/{referral_id}/reject", {"on_behalf_of": "经办人"}, key=key)
    assert_problem(first, 422, "reason-required")
    assert api.log_position() == position
    assert api.services.hub.recorded_answer(api.ids["ca"], key) is None
