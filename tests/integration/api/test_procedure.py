"""The relief procedure over HTTP, on each log: business dates, the wage table, one relief per
matter, advance relief, the funds' arrival and the notice, and the case deadlines on the
watch list. Every refusal is a problem naming its rule, and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from projections import worker
from tests.integration.api.conftest import WAGE, WAGE_BASIS, Api, assert_problem

OFFICERS = [{"name": f"听证员{n}", "role": "人民监督员", "view": "同意"} for n in range(3)]


def today(api: Api) -> date:
    return api.services.hub.today()


def refused(api: Api, who: str, path: str, body: dict[str, Any], status: int, rule: str) -> None:
    before = api.log_position()
    assert_problem(api.post(who, path, body), status, rule)
    assert api.log_position() == before, "a refused step wrote to the log"


def submitted(api: Api, person_id: str | None = None, **lead: Any) -> str:
    case_id = str(
        api.ok(
            "p",
            "/cases",
            {
                "person_id": person_id or api.person("p"),
                "source": "applicant",
                "summary": "因案致困",
                "applicant_relation": "victim",
                **lead,
            },
        )["id"]
    )
    for step, body in (
        ("inquiry", {"on_behalf_of": "承办人", "notes": "询问"}),
        ("review", {"situation": "serious-injury-unpaid", "notes": "符合"}),
    ):
        api.ok("p", f"/cases/{case_id}/{step}", body)
    approve(api, case_id)
    return case_id


def approve(api: Api, case_id: str, proposed_fen: int = 500_000) -> None:
    """Proposed by the case officer, approved by the department head (under 10,000 yuan)."""
    officer = api.as_official("p", "case_officer")
    head = api.as_official("p", "department_head")
    api.ok(officer, f"/cases/{case_id}/submission", {"proposed_fen": proposed_fen})
    api.ok(head, f"/cases/{case_id}/approval", {"approved": True})


def grant(amount: int = 500_000, **change: Any) -> dict[str, Any]:
    return {"amount_fen": amount, **WAGE_BASIS, **change}


def test_an_earlier_date_needs_a_reason_a_later_one_is_refused(api: Api) -> None:
    case_id = api.case("p")
    yesterday = (today(api) - timedelta(days=1)).isoformat()
    tomorrow = (today(api) + timedelta(days=1)).isoformat()
    inquiry = {"on_behalf_of": "承办人", "notes": "询问"}
    path = f"/cases/{case_id}/inquiry"
    refused(api, "p", path, {**inquiry, "held_on": tomorrow}, 422, "business-date-in-future")
    refused(api, "p", path, {**inquiry, "held_on": yesterday}, 422, "backdate-reason-required")
    # the case was received today: a step before it breaks the order
    body = {**inquiry, "held_on": yesterday, "backdate_reason": "按纸质笔录补录"}
    refused(api, "p", path, body, 409, "case-step-date-order")
    api.ok("p", path, inquiry)
    history = api.get("p", f"/cases/{case_id}/history").json()
    assert history[-1]["details"]["held_on"] == today(api).isoformat()
    assert history[-1]["details"]["backdate_reason"] is None


def test_a_date_beyond_the_window_is_refused(api: Api) -> None:
    hub = api.services.hub
    before = hub.max_backdate_days
    hub.max_backdate_days = 30
    try:
        body = {
            "person_id": api.person("p"),
            "source": "applicant",
            "summary": "因案致困",
            "received_on": (today(api) - timedelta(days=31)).isoformat(),
            "backdate_reason": "补录",
        }
        refused(api, "p", "/cases", body, 422, "backdate-too-far")
        body["received_on"] = (today(api) - timedelta(days=30)).isoformat()
        case_id = api.ok("p", "/cases", body)["id"]
        (lead,) = api.get("p", f"/cases/{case_id}/history").json()
        assert lead["details"]["backdate_reason"] == "补录"
    finally:
        hub.max_backdate_days = before


def test_a_grant_is_capped_by_the_official_wage_of_its_region_and_year(api: Api) -> None:
    case_id = submitted(api, matter_number="（2021）新4003刑初101号")
    path = f"/cases/{case_id}/grant"
    refused(api, "p", path, grant(wage_year=1999), 422, "wage-figure-missing")
    over = 36 * WAGE["monthly_wage_fen"] + 1
    refused(
        api,
        "p",
        path,
        grant(over),
        422,
        "relief-amount-over-limit",
    )
    refused(api, "p", path, grant(damages_fen=400_000), 422, "relief-over-damages")
    api.ok("p", path, grant(damages_fen=500_000))
    (*_, granted) = api.get("p", f"/cases/{case_id}/history").json()
    assert granted["details"]["average_monthly_wage_fen"] == WAGE["monthly_wage_fen"]
    assert granted["details"]["wage_source"] == WAGE["source"]
    assert api.get("p", "/wages/65/2021").json()["source"] == WAGE["source"]


def test_a_grant_names_its_matter(api: Api) -> None:
    case_id = submitted(api)
    refused(api, "p", f"/cases/{case_id}/grant", grant(), 422, "invalid-value")
    api.ok("p", f"/cases/{case_id}/matter", {"matter_number": "（2021）新4003刑初102号"})
    api.ok("p", f"/cases/{case_id}/grant", grant())


def test_one_relief_per_person_and_matter_unless_an_exception_is_recorded(api: Api) -> None:
    person = api.person("p")
    matter = "（2021）新4003刑初103号"
    first = submitted(api, person, matter_number=matter)
    api.ok("p", f"/cases/{first}/grant", grant())
    second = submitted(api, person, matter_number="(2021) 新4003刑初103号")
    refused(api, "p", f"/cases/{second}/grant", grant(), 409, "one-relief-per-matter")
    api.ok("p", f"/cases/{second}/grant", grant(matter_exception="同一案件致新的重大困难"))
    other = submitted(api, matter_number=matter)  # another person on the same matter
    api.ok("p", f"/cases/{other}/grant", grant())


def test_advance_relief_is_reconciled_at_the_grant(api: Api) -> None:
    person = api.person("p")
    case_id = str(
        api.ok(
            "p",
            "/cases",
            {
                "person_id": person,
                "source": "applicant",
                "summary": "重伤急需救治",
                "applicant_relation": "close-relative",
                "matter_number": "（2021）新4003刑初104号",
            },
        )["id"]
    )
    advance = {"amount_fen": 200_000, "ground": "urgent-treatment-unaffordable", "detail": "手术"}
    api.ok("p", f"/cases/{case_id}/advances", advance)
    for name in worker.VIEWS:  # the advance is money paid, before any decision
        worker.rebuild(api.services.hub, api.services.views, name)
    aid = api.get("p", f"/views/persons/{person}/aid").json()
    assert aid["totals"]["judicial_disbursed_fen"] == 200_000
    for step, body in (
        ("inquiry", {"on_behalf_of": "承办人", "notes": "询问"}),
        ("review", {"situation": "urgent-medical-unaffordable", "notes": "符合"}),
        ("hearing", {"officers": OFFICERS}),
    ):
        api.ok("p", f"/cases/{case_id}/{step}", body)
    approve(api, case_id)
    api.ok("p", f"/cases/{case_id}/grant", grant())
    case = api.get("p", f"/cases/{case_id}").json()
    assert (case["granted_fen"], case["disbursed_fen"], case["advanced_fen"]) == (
        500_000,
        200_000,
        200_000,
    )
    refused(api, "p", f"/cases/{case_id}/advances", advance, 409, "advance-relief-not-allowed")
    refused(
        api,
        "p",
        f"/cases/{case_id}/disbursements",
        {"amount_fen": 300_001},
        422,
        "disbursement-over-grant",
    )
    api.ok("p", f"/cases/{case_id}/funds-arrival", {})
    api.ok("p", f"/cases/{case_id}/notice", {"means": "电话通知"})
    api.ok("p", f"/cases/{case_id}/disbursements", {"amount_fen": 300_000})
    case = api.get("p", f"/cases/{case_id}").json()
    assert case["stage"] == "disbursed"
    assert case["funds_arrived_on"] == case["notified_on"] == today(api).isoformat()


def test_a_hearing_of_fewer_than_three_officers_records_why(api: Api) -> None:
    case_id = api.case("p")
    api.ok("p", f"/cases/{case_id}/inquiry", {"on_behalf_of": "承办人", "notes": "询问"})
    api.ok("p", f"/cases/{case_id}/review", {"situation": "serious-injury-unpaid", "notes": "符合"})
    path = f"/cases/{case_id}/hearing"
    refused(api, "p", path, {"officers": OFFICERS[:1]}, 422, "invalid-value")
    api.ok("p", path, {"officers": OFFICERS[:1], "fewer_officers_reason": "偏远地区，一名听证员"})


@pytest.mark.parametrize("path", ["advances", "matter", "funds-arrival", "notice"])
def test_only_the_case_procuratorate_takes_the_new_steps(api: Api, path: str) -> None:
    case_id = api.case("p")
    body = {
        "advances": {"amount_fen": 1_000, "ground": "life-threatened", "detail": "危及生命"},
        "matter": {"matter_number": "（2021）新4003刑初105号"},
        "funds-arrival": {},
        "notice": {"means": "电话"},
    }[path]
    for who in ("ca", "out"):
        refused(api, who, f"/cases/{case_id}/{path}", body, 404, "not-found")


def test_the_decision_deadline_is_on_the_watch_list(api: Api) -> None:
    hub = api.services.hub
    before = hub.max_backdate_days
    hub.max_backdate_days = 3650
    try:
        old = (today(api) - timedelta(days=60)).isoformat()
        body = {
            "person_id": api.person("p"),
            "source": "applicant",
            "summary": "久未决定",
            "received_on": old,
            "backdate_reason": "补录",
        }
        case_id = api.ok("p", "/cases", body)["id"]
    finally:
        hub.max_backdate_days = before
    for name in worker.VIEWS:
        worker.rebuild(hub, api.services.views, name)
    listed = api.get("auditor", "/sla/watch-list").json()["items"]
    (item,) = [i for i in listed if i["id"] == case_id]
    assert (item["kind"], item["deadline_stage"], item["level"]) == ("case", "decision", "red")
    expected = hub.calendar.add_working_days(date.fromisoformat(old), 10)
    assert item["deadline"] == expected.isoformat()


def test_the_replay_says_which_time_it_is_as_of(api: Api) -> None:
    case_id = api.case("p")
    path = f"/audit/cases/{case_id}/replay?as_of=2021-12-31T23:59:00%2B08:00"
    business = api.get("auditor", f"{path}&basis=business").json()
    recorded = api.get("auditor", path).json()
    assert (business["as_of_basis"], recorded["as_of_basis"]) == ("business", "recorded")
    assert business["case"] is None  # received today, on either basis
    assert_problem(api.get("auditor", f"{path}&basis=sometimes"), 422, "validation")


def test_a_referral_sent_after_the_senders_five_working_days_says_how_late(api: Api) -> None:
    hub = api.services.hub
    day = today(api)
    found = day - timedelta(days=1)
    while hub.calendar.working_days_between(found, day) < 8:
        found -= timedelta(days=1)
    body = {
        "recipient_id": api.ids["ca"],
        "person_id": api.person("p"),
        "reason": "结案后移送",
        "services": ["temporary-aid"],
        "on_behalf_of": "承办人",
        "found_on": found.isoformat(),
    }
    referral_id = api.ok("p", "/referrals", body)["id"]
    read = api.get("p", f"/referrals/{referral_id}").json()
    assert (read["requested_on"], read["found_on"]) == (day.isoformat(), found.isoformat())
    tomorrow = {**body, "found_on": (day + timedelta(days=1)).isoformat()}
    before = api.log_position()
    assert_problem(api.post("p", "/referrals", tomorrow), 422, "invalid-value")
    assert api.log_position() == before
    for name in worker.VIEWS:
        worker.rebuild(hub, api.services.views, name)
    items = api.get("p", f"/agencies/{api.ids['p']}/outbox?limit=200").json()["items"]
    (item,) = [i for i in items if i["id"] == referral_id]
    due = hub.calendar.add_working_days(found, 5)
    assert item["sender_deadline"] == {
        "found_on": found.isoformat(),
        "due_on": due.isoformat(),
        "late_days": hub.calendar.working_days_between(due, day),
    }
    assert item["sender_deadline"]["late_days"] == 3
