"""Approvals over the API, on each log: a case officer proposes, another official with the
required role approves; the meetings are recorded with the officials who attended; the grant
stays within the approved proposal; each step is on the case's timeline, naming its official."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.api.conftest import WAGE_BASIS, Api, assert_problem

WAGE = WAGE_BASIS


@pytest.fixture(scope="module")
def team(api: Api) -> dict[str, str]:
    return {
        "officer": api.as_official("p", "case_officer", "承办检察官甲"),
        "head": api.as_official("p", "department_head", "部门负责人乙"),
        "chief": api.as_official("p", "chief_procurator", "检察长丙"),
    }


def reviewed_case(api: Api) -> str:
    case_id = api.case("p")
    api.ok("p", f"/cases/{case_id}/inquiry", {"on_behalf_of": "x", "notes": "询问"})
    api.ok("p", f"/cases/{case_id}/review", {"situation": "serious-injury-unpaid", "notes": "符合"})
    return case_id


def unchanged(api: Api, response: Any, status: int, rule: str, before: int) -> None:
    assert_problem(response, status, rule)
    assert api.log_position() == before


def test_the_whole_approval_names_each_official_on_the_timeline(
    api: Api, team: dict[str, str]
) -> None:
    case_id = reviewed_case(api)
    api.ok(team["officer"], f"/cases/{case_id}/submission", {"proposed_fen": 5_000_000})
    meeting = {
        "meeting": "chief-procurator-meeting",
        "attendee_ids": [api.users[team["chief"]], api.users[team["head"]]],
        "decision": "approved",
    }
    api.ok(team["officer"], f"/cases/{case_id}/meetings", meeting)
    api.ok(team["chief"], f"/cases/{case_id}/approval", {"approved": True})
    api.ok("p", f"/cases/{case_id}/grant", {"amount_fen": 5_000_000, **WAGE})
    timeline = api.get("p", f"/cases/{case_id}/history").json()
    steps = {e["event"]: e for e in timeline}
    assert steps["SubmittedForApproval"]["by"]["name"] == "承办检察官甲"
    assert steps["SubmittedForApproval"]["details"]["proposer"]["name"] == "承办检察官甲"
    attended = steps["MeetingRecorded"]["details"]["attendees"]
    assert [a["name"] for a in attended] == ["检察长丙", "部门负责人乙"]
    assert steps["ApprovalDecided"]["details"]["approver"]["roles"] == ["chief_procurator"]
    assert steps["ReliefGranted"]["details"]["approved_by"] == "检察长丙"


def test_meetings_and_approvals_keep_the_business_date_rules(
    api: Api, team: dict[str, str]
) -> None:
    """Dated by the hub unless given; earlier only with a reason, never before the submission
    (made today here), never in the future."""
    case_id = reviewed_case(api)
    api.ok(team["officer"], f"/cases/{case_id}/submission", {"proposed_fen": 5_000_000})
    day = api.services.hub.today()
    meeting = {
        "meeting": "chief-procurator-meeting",
        "attendee_ids": [api.users[team["chief"]], api.users[team["head"]]],
        "decision": "approved",
    }
    for path, who, body, on in (
        ("meetings", team["officer"], meeting, "held_on"),
        ("approval", team["chief"], {"approved": True}, "decided_on"),
    ):
        url = f"/cases/{case_id}/{path}"
        before = api.log_position()
        earlier = {**body, on: str(day - timedelta(days=1))}
        unchanged(api, api.post(who, url, earlier), 422, "backdate-reason-required", before)
        explained = {**earlier, "backdate_reason": "按纸质会议记录补录"}
        unchanged(api, api.post(who, url, explained), 409, "case-step-date-order", before)
        later = {**body, on: str(day + timedelta(days=1))}
        unchanged(api, api.post(who, url, later), 422, "business-date-in-future", before)
        api.ok(who, url, body)
    steps = {e["event"]: e for e in api.get("p", f"/cases/{case_id}/history").json()}
    assert steps["MeetingRecorded"]["details"]["held_on"] == str(day)
    assert steps["ApprovalDecided"]["details"]["decided_on"] == str(day)


def test_self_approval_is_refused(api: Api) -> None:
    both = api.as_official("p", "case_officer")
    case_id = reviewed_case(api)
    api.ok(both, f"/cases/{case_id}/submission", {"proposed_fen": 100_000})
    # the same official, given the head's role too, still may not approve their own proposal
    changed = api.post(
        "admin", f"/users/{api.users[both]}/roles", {"roles": ["case_officer", "department_head"]}
    )
    assert changed.status_code == 200, changed.text
    before = api.log_position()
    answer = api.post(both, f"/cases/{case_id}/approval", {"approved": True})
    unchanged(api, answer, 403, "self-approval", before)


def test_a_grant_above_the_proposal_is_refused(api: Api, team: dict[str, str]) -> None:
    case_id = reviewed_case(api)
    api.ok(team["officer"], f"/cases/{case_id}/submission", {"proposed_fen": 100_000})
    api.ok(team["head"], f"/cases/{case_id}/approval", {"approved": True})
    before = api.log_position()
    answer = api.post("p", f"/cases/{case_id}/grant", {"amount_fen": 5_000_000, **WAGE})
    unchanged(api, answer, 422, "grant-over-proposal", before)
    api.ok("p", f"/cases/{case_id}/grant", {"amount_fen": 100_000, **WAGE})


def test_ten_thousand_yuan_without_the_meeting_is_refused(api: Api, team: dict[str, str]) -> None:
    case_id = reviewed_case(api)
    api.ok(team["officer"], f"/cases/{case_id}/submission", {"proposed_fen": 1_000_000})
    before = api.log_position()
    by_head = api.post(team["head"], f"/cases/{case_id}/approval", {"approved": True})
    unchanged(api, by_head, 403, "role-required", before)
    api.ok(team["chief"], f"/cases/{case_id}/approval", {"approved": True})
    before = api.log_position()
    answer = api.post("p", f"/cases/{case_id}/grant", {"amount_fen": 1_000_000, **WAGE})
    unchanged(api, answer, 422, "relief-approval-required", before)


def test_machine_tokens_neither_propose_nor_approve(api: Api, team: dict[str, str]) -> None:
    case_id = reviewed_case(api)
    before = api.log_position()
    answer = api.post("p", f"/cases/{case_id}/submission", {"proposed_fen": 100_000})
    unchanged(api, answer, 403, "role-required", before)
    api.ok(team["officer"], f"/cases/{case_id}/submission", {"proposed_fen": 100_000})
    answer = api.post("p", f"/cases/{case_id}/approval", {"approved": True})
    unchanged(api, answer, 403, "role-required", api.log_position())


def test_a_refusal_carries_a_reason_and_the_officer_proposes_again(
    api: Api, team: dict[str, str]
) -> None:
    case_id = reviewed_case(api)
    api.ok(team["officer"], f"/cases/{case_id}/submission", {"proposed_fen": 300_000})
    before = api.log_position()
    answer = api.post(team["head"], f"/cases/{case_id}/approval", {"approved": False})
    unchanged(api, answer, 422, "reason-required", before)
    api.ok(team["head"], f"/cases/{case_id}/approval", {"approved": False, "reason": "金额过高"})
    answer = api.post("p", f"/cases/{case_id}/grant", {"amount_fen": 200_000, **WAGE})
    unchanged(api, answer, 422, "relief-approval-required", api.log_position())
    api.ok(team["officer"], f"/cases/{case_id}/submission", {"proposed_fen": 200_000})
    api.ok(team["head"], f"/cases/{case_id}/approval", {"approved": True})
    api.ok("p", f"/cases/{case_id}/grant", {"amount_fen": 200_000, **WAGE})


def test_meeting_attendees_are_officials_of_the_procuratorate(
    api: Api, team: dict[str, str]
) -> None:
    case_id = reviewed_case(api)
    api.ok(team["officer"], f"/cases/{case_id}/submission", {"proposed_fen": 2_000_000})
    outsider = api.as_official("ca", "head")
    meeting = {
        "meeting": "chief-procurator-meeting",
        "attendee_ids": [api.users[team["chief"]], api.users[outsider]],
        "decision": "approved",
    }
    before = api.log_position()
    answer = api.post(team["officer"], f"/cases/{case_id}/meetings", meeting)
    unchanged(api, answer, 422, "invalid-value", before)
    without_chief = {**meeting, "attendee_ids": [api.users[team["head"]]]}
    answer = api.post(team["officer"], f"/cases/{case_id}/meetings", without_chief)
    unchanged(api, answer, 403, "role-required", before)
