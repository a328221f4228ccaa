"""Nobody falls through (应救尽救、应扶尽扶): a refusal for hardship not caused by the case is
referred on or says why not; follow-up visits go on after closure with the next one's date;
a need found at follow-up is named by the referral that answers it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.case import AidCase, Stage
from domain.errors import InvalidValue, OutboundReferralRequired, StepOutOfOrder
from tests.unit.domain.support import (
    DAY,
    assert_rebuilds,
    case_at,
    new_referral,
    refused,
)


def refused_for_hardship_not_caused_by_the_case() -> AidCase:
    return case_at("refused-after-review")


def test_refused_for_hardship_not_caused_by_the_case_it_does_not_close_unreferred() -> None:
    case = refused_for_hardship_not_caused_by_the_case()
    assert case.needs_outbound_referral
    with refused(case, OutboundReferralRequired) as info:
        case.close("不予救助", DAY)
    assert info.value.rule == "outbound-referral-required"
    with refused(case, OutboundReferralRequired):
        case.close("不予救助", DAY, without_referral="  ")
    assert case.stage == Stage.REFUSED


def test_referred_on_it_closes() -> None:
    case = refused_for_hardship_not_caused_by_the_case()
    case.close("已移送医疗保障局", DAY, referred_on=True)
    assert case.stage == Stage.CLOSED and case.without_referral is None
    assert_rebuilds(case)


def test_with_a_recorded_reason_it_closes_and_the_reason_is_kept() -> None:
    case = refused_for_hardship_not_caused_by_the_case()
    case.close("不予救助", DAY, without_referral="本人已享受低保，明确拒绝其他帮扶")
    assert case.without_referral == "本人已享受低保，明确拒绝其他帮扶"
    assert case.summary_dict()["without_referral"] == case.without_referral
    events = assert_rebuilds(case)
    assert events[-1].without_referral == case.without_referral


@pytest.mark.parametrize(
    "ground", ["applicant-at-fault", "refused-to-cooperate", "false-statement", "already-helped"]
)
def test_other_refusals_close_as_before_and_record_no_such_reason(ground: str) -> None:
    case = case_at("heard")
    case.refuse(ground, "不符合条件", DAY)
    assert not case.needs_outbound_referral
    case.close("不予救助", DAY, without_referral="not asked")
    assert case.without_referral is None


def test_a_granted_case_closes_without_a_referral() -> None:
    case = case_at("disbursed")
    case.close("救助金已发放", DAY)
    assert case.stage == Stage.CLOSED


@pytest.mark.parametrize("path", ["closed-after-grant", "closed-after-refusal"])
def test_follow_up_visits_go_on_after_closure_with_the_next_visits_date(path: str) -> None:
    case = case_at(path)
    case.record_follow_up(
        visited_on=DAY + timedelta(days=90),
        on_behalf_of="检察官",
        notes="孩子上大学",
        new_needs=["education-aid"],
        next_visit_on=DAY + timedelta(days=180),
    )
    assert case.stage == Stage.CLOSED
    assert case.next_visit_on == DAY + timedelta(days=180)
    assert case.follow_up_needs == {1: ["education-aid"]}
    assert case.summary_dict()["next_visit_on"] == (DAY + timedelta(days=180)).isoformat()
    assert_rebuilds(case)


@given(st.integers(min_value=-400, max_value=0))
def test_the_next_visit_comes_after_this_one(days: int) -> None:
    case = case_at("disbursed")
    with pytest.raises(InvalidValue):
        case.record_follow_up(
            visited_on=DAY,
            on_behalf_of="检察官",
            notes="",
            new_needs=[],
            next_visit_on=DAY + timedelta(days=days),
        )


def test_a_follow_up_before_relief_or_refusal_is_still_refused() -> None:
    with refused(case_at("submitted"), StepOutOfOrder):
        case_at("submitted").record_follow_up(
            visited_on=DAY, on_behalf_of="检察官", notes="", new_needs=[]
        )


def test_each_visit_is_numbered_with_its_needs() -> None:
    case = case_at("disbursed")
    case.record_follow_up(
        visited_on=DAY, on_behalf_of="检察官", notes="", new_needs=["education-aid", "counselling"]
    )
    case.record_follow_up(visited_on=DAY, on_behalf_of="检察官", notes="", new_needs=[])
    assert case.follow_up_needs == {1: ["counselling", "education-aid"], 2: []}
    assert case.check_need(1, "education-aid") == "education-aid"
    for follow_up, need in [(2, "education-aid"), (3, "education-aid"), (1, "job")]:
        with pytest.raises(InvalidValue):
            case.check_need(follow_up, need)


def test_a_referral_names_the_follow_up_and_the_need_it_answers() -> None:
    case = case_at("disbursed")
    referral = new_referral(case_id=case.id, answers_follow_up=1, answers_need="education-aid")
    assert (referral.answers_follow_up, referral.answers_need) == (1, "education-aid")
    events = assert_rebuilds(referral)
    assert events[0].answers_need == "education-aid"


@pytest.mark.parametrize(
    "overrides",
    [
        {"answers_follow_up": 1},  # a visit with no need
        {"answers_need": "education-aid"},  # a need with no visit
        {"answers_follow_up": 0, "answers_need": "education-aid"},
        {"answers_follow_up": 1, "answers_need": "tuition"},  # not a service code
        {"case_id": None, "answers_follow_up": 1, "answers_need": "education-aid"},
    ],
)
def test_a_referral_naming_a_need_names_it_whole(overrides: dict[str, Any]) -> None:
    base: dict[str, Any] = {"case_id": case_at("disbursed").id}
    with pytest.raises(InvalidValue):
        new_referral(**{**base, **overrides})


def test_old_events_upcast_with_nothing_new_recorded() -> None:
    state: dict[str, Any] = {"visited_on": date(2021, 1, 1)}
    AidCase.FollowUpRecorded.upcast_v1_v2(state)
    AidCase.FollowUpRecorded.upcast_v2_v3(state)
    assert state["next_visit_on"] is None and state["backdate_reason"] is None
    closed: dict[str, Any] = {}
    AidCase.CaseClosed.upcast_v1_v2(closed)
    AidCase.CaseClosed.upcast_v2_v3(closed)
    assert closed == {"backdate_reason": None, "without_referral": None}


def test_a_case_is_counted_as_criminal_hardship_under_a_mechanism_signed_before_it() -> None:
    from uuid import uuid4

    case = case_at("received")
    mechanism = uuid4()
    case.classify(
        category="criminal-hardship", mechanism_id=mechanism, mechanism_signed_on=case.received_on
    )
    assert (case.category, case.mechanism_id) == ("criminal-hardship", mechanism)
    assert case.summary_dict()["mechanism_id"] == str(mechanism)
    assert_rebuilds(case)
    later = case.received_on + timedelta(days=1)
    with pytest.raises(InvalidValue):
        case.classify(category="criminal-hardship", mechanism_id=uuid4(), mechanism_signed_on=later)
    with pytest.raises(InvalidValue):
        case.classify(category="hardship", mechanism_id=None, mechanism_signed_on=None)
    with pytest.raises(InvalidValue):
        case.classify(category="other", mechanism_id=uuid4(), mechanism_signed_on=None)
