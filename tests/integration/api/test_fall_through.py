"""Nobody falls through, over HTTP (on both logs): a refusal for hardship not caused by the case
is referred on or says why not before closing; follow-ups after closure; a referral names the
need found at follow-up that it answers; ``GET /views/may-fall-through`` lists who is left."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from projections import worker
from tests.integration.api.conftest import Api, assert_problem


def refused_case(api: Api) -> tuple[str, str]:
    """A case of ``p`` refused because the hardship was not caused by the case."""
    person = api.person("p")
    case = api.case("p", person)
    api.ok("p", f"/cases/{case}/inquiry", {"on_behalf_of": "承办检察官", "notes": "询问"})
    review = {"refusal_ground": "hardship-not-caused-by-case", "notes": "因病致困"}
    api.ok("p", f"/cases/{case}/review", review)
    refusal = {"ground": "hardship-not-caused-by-case", "detail": "不符合司法救助条件"}
    api.ok("p", f"/cases/{case}/refusal", refusal)
    return person, case


def views(api: Api) -> None:
    for name in worker.VIEWS:
        worker.rebuild(api.services.hub, api.services.views, name)


def listed(api: Api, who: str = "p", query: str = "") -> dict[str, Any]:
    views(api)
    response = api.get(who, f"/views/may-fall-through{query}")
    assert response.status_code == 200, response.text
    return {i["person_id"]: i for i in response.json()["items"]}


def test_a_refused_case_closes_only_referred_on_or_with_a_reason(api: Api) -> None:
    _, case = refused_case(api)
    before = api.log_position()
    response = api.post("p", f"/cases/{case}/closure", {"reason": "不予救助"})
    assert_problem(response, 409, "outbound-referral-required")
    assert api.log_position() == before
    why = "本人已享受低保，明确拒绝其他帮扶"
    api.ok("p", f"/cases/{case}/closure", {"reason": "不予救助", "without_referral": why})
    read = api.get("p", f"/cases/{case}").json()
    assert (read["stage"], read["without_referral"]) == ("closed", why)


def test_a_refused_case_referred_on_closes(api: Api) -> None:
    person, case = refused_case(api)
    referral = api.referral("p", "mi", person, case)
    api.ok("p", f"/cases/{case}/closure", {"reason": "已移送医疗保障局"})
    assert api.get("p", f"/cases/{case}").json()["stage"] == "closed"
    assert api.get("p", f"/referrals/{referral}").json()["status"] == "requested"


def test_a_referral_that_was_rejected_does_not_count_as_referred_on(api: Api) -> None:
    person, case = refused_case(api)
    referral = api.referral("p", "ca", person, case)
    api.ok(
        "ca", f"/referrals/{referral}/reject", {"on_behalf_of": "经办人", "reason": "不属于本单位"}
    )
    response = api.post("p", f"/cases/{case}/closure", {"reason": "不予救助"})
    assert_problem(response, 409, "outbound-referral-required")


def test_follow_ups_go_on_after_closure_and_a_referral_names_the_need(api: Api) -> None:
    person, case = refused_case(api)
    api.referral("p", "mi", person, case)
    api.ok("p", f"/cases/{case}/closure", {"reason": "已移送"})
    today = api.services.hub.today()
    later = (today + timedelta(days=180)).isoformat()
    visit = {
        "on_behalf_of": "承办检察官",
        "notes": "孩子上学",
        "new_needs": ["temporary-aid"],
        "next_visit_on": later,
    }
    api.ok("p", f"/cases/{case}/follow-ups", visit)
    read = api.get("p", f"/cases/{case}").json()
    assert (read["stage"], read["follow_ups"], read["next_visit_on"]) == ("closed", 1, later)
    before = api.log_position()
    early = {**visit, "next_visit_on": today.isoformat()}
    assert_problem(api.post("p", f"/cases/{case}/follow-ups", early), 422, "invalid-value")
    assert api.log_position() == before
    body = {
        "recipient_id": api.ids["ca"],
        "person_id": person,
        "case_id": case,
        "reason": "回访发现新需求",
        "services": ["temporary-aid"],
        "on_behalf_of": "承办检察官",
    }
    for wrong in ({"answers_follow_up": 2}, {"answers_need": "job"}):
        answers = {"answers_follow_up": 1, "answers_need": "temporary-aid", **wrong}
        response = api.post("p", "/referrals", {**body, **answers})
        assert_problem(response, 422, "invalid-value")
    assert api.log_position() == before
    answers = {"answers_follow_up": 1, "answers_need": "temporary-aid"}
    referral = api.ok("p", "/referrals", {**body, **answers})["id"]
    read = api.get("ca", f"/referrals/{referral}").json()
    assert (read["answers_follow_up"], read["answers_need"]) == (1, "temporary-aid")


def test_who_may_fall_through_is_listed_to_the_agency_that_owns_the_need(api: Api) -> None:
    person, case = refused_case(api)
    mine = listed(api)[person]
    assert [(n["source"], n["agency_id"], n["case_id"]) for n in mine["needs"]] == [
        ("refused", api.ids["p"], case)
    ]
    assert "测试当事人" not in str(mine)  # people by id only: no personal data
    # another agency sees only the needs it owns, and may not ask for another's
    assert person not in listed(api, "ca")
    assert api.get("ca", f"/views/may-fall-through?agency_id={api.ids['p']}").status_code == 403
    assert person in listed(api, "auditor", f"?agency_id={api.ids['p']}&region_code=6590")
    # referred on: live, no longer listed; failed: listed again, under the requester
    referral = api.referral("p", "ca", person, case)
    assert person not in listed(api)
    api.ok("ca", f"/referrals/{referral}/accept", {"on_behalf_of": "经办人"})
    api.ok("ca", f"/referrals/{referral}/fail", {"on_behalf_of": "经办人", "reason": "无法联系"})
    assert sorted(n["source"] for n in listed(api)[person]["needs"]) == [
        "referral-ended",
        "refused",
    ]
    counts = api.get("p", "/views/may-fall-through").json()["counts"]
    assert counts["by_agency"][api.ids["p"]] >= 1 and counts["by_region"]["659001"] >= 1


def test_a_case_is_counted_under_a_mechanism_its_procuratorate_signed(api: Api) -> None:
    """刑事特困 under a linkage mechanism: only the case's procuratorate, only a mechanism it
    belongs to, only for a case received after the mechanism was signed."""

    def mechanism(name: str, members: list[str], signed_on: str) -> str:
        body = {
            "name": name,
            "region_code": "659001",
            "lead_agency_id": api.ids[members[0]],
            "signed_on": signed_on,
            "members": [{"agency_id": api.ids[m], "responsibility": "协同"} for m in members],
        }
        return str(api.ok("admin", "/mechanisms", body)["id"])

    ours = mechanism("分类测试衔接机制", ["p", "ca"], "2020-01-01")
    theirs = mechanism("分类测试他方机制", ["ca", "mi"], "2020-01-01")
    later = mechanism("分类测试未来机制", ["p"], "2099-01-01")
    case = api.case("p")
    body = {"category": "criminal-hardship", "mechanism_id": ours}
    before = api.log_position()
    assert_problem(api.post("ca", f"/cases/{case}/classification", body), 404, "not-found")
    other = {**body, "mechanism_id": theirs}
    assert_problem(
        api.post("p", f"/cases/{case}/classification", other), 409, "mechanism-membership"
    )
    early = {**body, "mechanism_id": later}
    assert_problem(api.post("p", f"/cases/{case}/classification", early), 422, "invalid-value")
    assert api.log_position() == before
    api.ok("p", f"/cases/{case}/classification", body)
    read = api.get("p", f"/cases/{case}").json()
    assert (read["category"], read["mechanism_id"]) == ("criminal-hardship", ours)


def test_an_unreferred_need_carries_the_senders_deadline_on_the_watch_list(api: Api) -> None:
    """Refer within 5 working days of finding the need: past that, red for the owner."""
    hub = api.services.hub
    day = hub.today()
    dated = {"backdate_reason": "按纸质卷宗补录"}
    before = hub.max_backdate_days
    hub.max_backdate_days = 3650
    try:
        person = api.person("p")
        lead = {"person_id": person, "source": "applicant", "summary": "因病致困"}
        case = api.ok("p", "/cases", {**lead, "received_on": str(day - timedelta(60)), **dated})[
            "id"
        ]
        inquiry = {
            "on_behalf_of": "承办检察官",
            "notes": "询问",
            "held_on": str(day - timedelta(50)),
        }
        api.ok("p", f"/cases/{case}/inquiry", {**inquiry, **dated})
        review = {"refusal_ground": "hardship-not-caused-by-case", "notes": "因病致困"}
        api.ok(
            "p",
            f"/cases/{case}/review",
            {**review, "reviewed_on": str(day - timedelta(40)), **dated},
        )
        refusal = {"ground": "hardship-not-caused-by-case", "detail": "不符合司法救助条件"}
        refused_on = day - timedelta(30)
        api.ok("p", f"/cases/{case}/refusal", {**refusal, "decided_on": str(refused_on), **dated})
    finally:
        hub.max_backdate_days = before
    views(api)
    items = api.get("p", "/sla/watch-list").json()["items"]
    (need,) = [i for i in items if i["kind"] == "need" and i["case_id"] == case]
    assert (need["source"], need["owner"]["id"], need["level"]) == ("refused", api.ids["p"], "red")
    assert need["deadline"] == str(hub.calendar.add_working_days(refused_on, 5))
    assert need["days_overdue"] > 0 and "person_id" not in need  # the need, not the person
    api.referral("p", "ca", person, case)
    views(api)
    items = api.get("p", "/sla/watch-list").json()["items"]
    assert not [i for i in items if i["kind"] == "need" and i["case_id"] == case]
