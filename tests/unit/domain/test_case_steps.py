"""The judicial relief procedure: every step in order, every step out of order refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.case import AidCase, Stage
from domain.errors import InvalidValue, ReviewInconsistent, StepOutOfOrder
from tests.unit.domain.support import (
    CASE_PATHS,
    DAY,
    PERSONAL_FIELDS,
    assert_rebuilds,
    case_at,
    close,
    grant,
    hear,
    inquire,
    new_case,
    propose,
    refuse,
    refused,
    review_eligible,
    submit,
)


def follow_up(case: AidCase) -> None:
    case.record_follow_up(
        visited_on=DAY,
        on_behalf_of="officer Li",
        notes="child going to university",
        new_needs=["education-aid"],
    )


def disburse_one_fen(case: AidCase) -> None:
    case.disburse(1, DAY)


#: step → (its name in the error message, the states it may be taken from)
ALLOWED: dict[str, tuple[Callable[[AidCase], None], str, set[str]]] = {
    "inquiry": (inquire, "inquiry", {"received", "inquired"}),
    "review": (review_eligible, "review", {"inquired"}),
    "hearing": (hear, "hearing", {"reviewed-eligible"}),
    "submission": (propose, "submission", {"reviewed-eligible", "heard"}),
    "grant": (grant, "decision", {"submitted"}),
    "refusal": (
        refuse,
        "refusal",
        {
            "reviewed-eligible",
            "reviewed-ineligible",
            "heard",
            "submitted",
        },
    ),
    "disbursement": (disburse_one_fen, "disbursement", {"granted", "partly-disbursed"}),
    "follow-up": (
        follow_up,
        "follow-up",
        {
            "partly-disbursed",
            "disbursed",
            "refused-after-review",
            "refused-after-hearing",
            "closed-after-grant",  # one relief, long-term care: visits go on after closure
            "closed-after-refusal",
        },
    ),
    "closure": (close, "closure", {"disbursed", "refused-after-review", "refused-after-hearing"}),
}
# A fully paid grant refuses further payment as over-disbursement (see test_case_money).
NOT_A_STEP_ERROR = {("disbursement", "disbursed")}

OUT_OF_ORDER = [
    (step, path)
    for step, (_, _, allowed) in ALLOWED.items()
    for path in CASE_PATHS
    if path not in allowed and (step, path) not in NOT_A_STEP_ERROR
]
IN_ORDER = [(step, path) for step, (_, _, allowed) in ALLOWED.items() for path in sorted(allowed)]


@pytest.mark.parametrize(("step", "path"), OUT_OF_ORDER)
def test_a_step_out_of_order_is_refused_naming_the_rule(step: str, path: str) -> None:
    command, name, _ = ALLOWED[step]
    case = case_at(path)
    with refused(case, StepOutOfOrder) as info:
        command(case)
    assert info.value.rule == "case-step-out-of-order"
    assert name in str(info.value) or "eligible" in str(info.value) or "closed" in str(info.value)


@pytest.mark.parametrize(("step", "path"), IN_ORDER)
def test_a_step_in_order_is_taken_and_replays(step: str, path: str) -> None:
    command, _, _ = ALLOWED[step]
    case = case_at(path)
    version = case.version
    command(case)
    assert case.version == version + 1
    assert_rebuilds(case)


def test_the_whole_procedure_with_a_hearing_and_a_ceremony() -> None:
    case = new_case()
    inquire(case)
    review_eligible(case)
    hear(case)
    submit(case)
    grant(case, 9_000_000)
    case.disburse(4_000_000, DAY, "ceremony with the city construction investment group")
    assert case.stage == Stage.GRANTED
    case.disburse(5_000_000, DAY, "ceremony with the city construction investment group")
    assert case.stage == Stage.DISBURSED
    follow_up(case)
    follow_up(case)
    close(case)
    assert case.stage == Stage.CLOSED
    summary = case.summary_dict()
    assert summary["granted_fen"] == summary["disbursed_fen"] == 9_000_000
    assert summary["follow_ups"] == 2
    assert summary["eligible"] is True
    events = assert_rebuilds(case)
    assert [type(e).__name__ for e in events] == [
        "LeadReceived",
        "InquiryRecorded",
        "Reviewed",
        "HearingHeld",
        "SubmittedForApproval",
        "MeetingRecorded",
        "MeetingRecorded",
        "ApprovalDecided",
        "ReliefGranted",
        "ReliefDisbursed",
        "ReliefDisbursed",
        "FollowUpRecorded",
        "FollowUpRecorded",
        "CaseClosed",
    ]


def test_the_hearing_is_optional() -> None:
    case = case_at("reviewed-eligible")
    submit(case)
    grant(case)
    assert case.stage == Stage.GRANTED


def test_an_ineligible_case_is_refused_and_closed_without_hearing_or_submission() -> None:
    case = case_at("reviewed-ineligible")
    assert case.eligible is False
    assert case.refusal_ground == "hardship-not-caused-by-case"
    with refused(case, StepOutOfOrder) as info:
        hear(case)
    assert "eligible" in str(info.value)
    with refused(case, StepOutOfOrder):
        submit(case)
    refuse(case)
    close(case)
    assert case.stage == Stage.CLOSED
    assert case.granted_fen == case.disbursed_fen == 0
    assert_rebuilds(case)


def test_a_case_starts_with_no_finding() -> None:
    case = new_case()
    assert (case.stage, case.eligible, case.refusal_ground) == ("received", None, None)


@pytest.mark.parametrize(
    ("situation", "ground"),
    [(None, None), ("retaliation", "applicant-at-fault")],
)
def test_a_review_finds_a_situation_or_a_refusal_ground_not_both_nor_neither(
    situation: str | None, ground: str | None
) -> None:
    case = case_at("inquired")
    with refused(case, ReviewInconsistent) as info:
        case.review(situation=situation, refusal_ground=ground, notes="notes", reviewed_on=DAY)
    assert info.value.rule == "review-inconsistent"


@pytest.mark.parametrize(
    ("situation", "ground"), [("lost-a-bet", None), (None, "no-reason-at-all")]
)
def test_a_review_takes_only_the_known_codes(situation: str | None, ground: str | None) -> None:
    case = case_at("inquired")
    with refused(case, InvalidValue) as info:
        case.review(situation=situation, refusal_ground=ground, notes="notes", reviewed_on=DAY)
    assert "is not one of" in str(info.value)


@pytest.mark.parametrize(
    "situation",
    [
        "serious-injury-unpaid",
        "urgent-medical-unaffordable",
        "death-or-incapacity",
        "major-property-loss",
        "retaliation",
        "tort-damages-unobtainable",
        "other-warranted",
    ],
)
def test_every_qualifying_situation_of_article_7_makes_a_case_eligible(situation: str) -> None:
    case = case_at("inquired")
    case.review(situation=situation, refusal_ground=None, notes="", reviewed_on=DAY)
    assert case.eligible is True


@pytest.mark.parametrize(
    "ground",
    [
        "applicant-at-fault",
        "refused-to-cooperate",
        "false-statement",
        "waived-civil-claim",
        "hardship-not-caused-by-case",
        "already-helped",
    ],
)
def test_every_refusal_ground_makes_a_case_ineligible_and_can_be_the_decision(ground: str) -> None:
    case = case_at("inquired")
    case.review(situation=None, refusal_ground=ground, notes="", reviewed_on=DAY)
    assert case.eligible is False
    case.refuse(ground, "explained to the applicant", DAY)
    assert case.stage == Stage.REFUSED


def test_a_refusal_names_a_known_ground_and_gives_detail() -> None:
    case = case_at("reviewed-ineligible")
    with refused(case, InvalidValue):
        case.refuse("we-would-rather-not", "detail", DAY)
    with refused(case, InvalidValue):
        case.refuse("already-helped", "   ", DAY)


def test_a_case_from_a_referral_names_it_and_only_then() -> None:
    from uuid import uuid4

    with pytest.raises(InvalidValue):
        new_case(source="referral")
    with pytest.raises(InvalidValue):
        new_case(source="applicant", referral_id=uuid4())
    with pytest.raises(InvalidValue):
        new_case(source="rumour")
    referral_id = uuid4()
    case = new_case(source="referral", referral_id=referral_id)
    assert case.referral_id == referral_id
    for source in ("applicant", "case-department"):
        assert new_case(source=source).source == source


@pytest.mark.parametrize(
    "officers",
    [
        [],
        [{"name": "Ma", "role": "deputy"}],
        [{"name": " ", "role": "deputy", "view": "support"}],
        ["officer Ma"],
    ],
)
def test_a_hearing_records_each_officer_with_role_and_view(officers: list[dict[str, str]]) -> None:
    case = case_at("reviewed-eligible")
    with refused(case, InvalidValue):
        case.hold_hearing(officers, DAY)


def test_a_hearing_is_held_once() -> None:
    case = case_at("heard")
    with refused(case, StepOutOfOrder):
        hear(case)


def test_follow_up_needs_are_service_codes() -> None:
    case = case_at("disbursed")
    with refused(case, InvalidValue):
        case.record_follow_up(
            visited_on=DAY, on_behalf_of="officer", notes="notes", new_needs=["a-pony"]
        )
    case.record_follow_up(
        visited_on=DAY,
        on_behalf_of="officer",
        notes="notes",
        new_needs=["job", "education-aid", "job"],
    )
    (event,) = [e for e in case.collect_events() if type(e).__name__ == "FollowUpRecorded"]
    assert vars(event)["new_needs"] == ["education-aid", "job"]


def test_case_events_carry_no_personal_data() -> None:
    case = case_at("closed-after-grant")
    for event in case.collect_events():
        assert not PERSONAL_FIELDS & set(vars(event)), type(event).__name__


def test_every_path_used_by_these_tests_rebuilds_from_its_events() -> None:
    for path in CASE_PATHS:
        assert_rebuilds(case_at(path))
