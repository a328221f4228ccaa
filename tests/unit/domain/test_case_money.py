"""Money in a case: the amount limit, approval by another official with the required role,
the chief procurator's meeting and the strict review, disbursement."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.acting import Actor
from domain.case import CHIEF_MEETING, CHIEF_MEETING_THRESHOLD_FEN, Stage
from domain.errors import (
    AmountOverLimit,
    ApprovalRequired,
    GrantOverProposal,
    InvalidValue,
    OverDisbursement,
    ReasonRequired,
    RoleRequired,
    SelfApproval,
)
from tests.unit.domain.support import (
    CHIEF,
    DAY,
    HEAD,
    OFFICER,
    WAGE_FEN,
    assert_rebuilds,
    case_at,
    official,
    propose,
    refused,
)

YUAN = 100  # fen


def test_the_chief_procurators_meeting_threshold_is_ten_thousand_yuan() -> None:
    assert CHIEF_MEETING_THRESHOLD_FEN == 10_000 * YUAN


def test_a_grant_up_to_months_times_the_average_wage_is_allowed() -> None:
    case = case_at("submitted")
    case.grant(
        amount_fen=36 * WAGE_FEN,
        months=36,
        average_monthly_wage_fen=WAGE_FEN,
        strict_review=False,
        approved_by=CHIEF_MEETING,
        decided_on=DAY,
    )
    assert (case.stage, case.granted_fen) == (Stage.GRANTED, 36 * WAGE_FEN)
    assert_rebuilds(case)


def test_a_grant_over_months_times_the_average_wage_is_refused() -> None:
    case = case_at("submitted")
    with refused(case, AmountOverLimit) as info:
        case.grant(
            amount_fen=12 * WAGE_FEN + 1,
            months=12,
            average_monthly_wage_fen=WAGE_FEN,
            strict_review=False,
            approved_by=CHIEF_MEETING,
            decided_on=DAY,
        )
    assert info.value.rule == "relief-amount-over-limit"


def test_more_than_36_months_needs_strict_review() -> None:
    case = case_at("submitted")
    with refused(case, AmountOverLimit) as info:
        case.grant(
            amount_fen=37 * WAGE_FEN,
            months=37,
            average_monthly_wage_fen=WAGE_FEN,
            strict_review=False,
            approved_by=CHIEF_MEETING,
            decided_on=DAY,
        )
    assert "strict review" in str(info.value)
    # Strict review lifts the 36 months, never the months × wage limit.
    with refused(case, AmountOverLimit):
        case.grant(
            amount_fen=48 * WAGE_FEN + 1,
            months=48,
            average_monthly_wage_fen=WAGE_FEN,
            strict_review=True,
            approved_by=CHIEF_MEETING,
            decided_on=DAY,
        )
    case.grant(
        amount_fen=48 * WAGE_FEN,
        months=48,
        average_monthly_wage_fen=WAGE_FEN,
        strict_review=True,
        approved_by=CHIEF_MEETING,
        decided_on=DAY,
    )
    assert case.granted_fen == 48 * WAGE_FEN


def test_ten_thousand_yuan_or_more_goes_to_the_chief_procurators_meeting() -> None:
    case = case_at("heard")
    propose(case, CHIEF_MEETING_THRESHOLD_FEN)
    case.decide_approval(True, None, DAY, CHIEF)
    with refused(case, ApprovalRequired) as info:
        case.grant(
            amount_fen=CHIEF_MEETING_THRESHOLD_FEN,
            months=36,
            average_monthly_wage_fen=WAGE_FEN,
            strict_review=False,
            approved_by="检察长",
            decided_on=DAY,
        )
    assert info.value.rule == "relief-approval-required"
    assert "meeting" in str(info.value)
    # a meeting that refused is no approval either
    case.record_meeting(CHIEF_MEETING, DAY, [CHIEF, HEAD], "refused", "再议", OFFICER)
    with refused(case, ApprovalRequired):
        case.grant(
            amount_fen=CHIEF_MEETING_THRESHOLD_FEN,
            months=36,
            average_monthly_wage_fen=WAGE_FEN,
            strict_review=False,
            approved_by="检察长",
            decided_on=DAY,
        )
    case.record_meeting(CHIEF_MEETING, DAY, [CHIEF, HEAD, OFFICER], "approved", None, OFFICER)
    case.grant(
        amount_fen=CHIEF_MEETING_THRESHOLD_FEN,
        months=36,
        average_monthly_wage_fen=WAGE_FEN,
        strict_review=False,
        approved_by="检察长",
        decided_on=DAY,
    )
    meeting = [e for e in assert_rebuilds(case) if type(e).__name__ == "MeetingRecorded"][-1]
    assert [a["name"] for a in meeting.attendees] == ["检察长", "部门负责人", "承办检察官"]


def test_below_ten_thousand_yuan_a_department_head_approves() -> None:
    case = case_at("heard")
    propose(case, CHIEF_MEETING_THRESHOLD_FEN - 1)
    case.decide_approval(True, None, DAY, HEAD)
    case.grant(
        amount_fen=CHIEF_MEETING_THRESHOLD_FEN - 1,
        months=36,
        average_monthly_wage_fen=WAGE_FEN,
        strict_review=False,
        approved_by="部门负责人",
        decided_on=DAY,
    )
    assert case.granted_fen == 999_999


def test_ten_thousand_yuan_or_more_is_approved_by_the_chief_procurator() -> None:
    case = case_at("heard")
    propose(case, CHIEF_MEETING_THRESHOLD_FEN)
    with refused(case, RoleRequired):
        case.decide_approval(True, None, DAY, HEAD)
    # a department head may still refuse it
    case.decide_approval(False, "证据不足", DAY, HEAD)


def test_nobody_approves_their_own_proposal() -> None:
    case = case_at("heard")
    both = official("既承办又负责", "case_officer", "department_head")
    case.submit_for_approval(500_000, "x", DAY, both)
    with refused(case, SelfApproval) as info:
        case.decide_approval(True, None, DAY, both)
    assert info.value.rule == "self-approval"


def test_only_a_case_officer_proposes_and_only_a_head_or_the_chief_approves() -> None:
    case = case_at("heard")
    machine = Actor(kind="connector", user_id=None, agency_id=None, name="token", roles=["staff"])
    for proposer in (HEAD, machine, None):
        with refused(case, RoleRequired):
            case.submit_for_approval(500_000, "x", DAY, proposer)
    propose(case, 500_000)
    for approver in (official("另一承办", "case_officer"), machine, None):
        with refused(case, RoleRequired):
            case.decide_approval(True, None, DAY, approver)


def test_no_grant_without_an_approval_and_none_after_a_refusal() -> None:
    case = case_at("heard")
    propose(case, 500_000)
    with refused(case, ApprovalRequired):
        case.grant(
            amount_fen=500_000,
            months=36,
            average_monthly_wage_fen=WAGE_FEN,
            strict_review=False,
            approved_by="x",
            decided_on=DAY,
        )
    with refused(case, ReasonRequired):
        case.decide_approval(False, None, DAY, HEAD)
    case.decide_approval(False, "金额过高", DAY, HEAD)
    with refused(case, ApprovalRequired):
        case.grant(
            amount_fen=500_000,
            months=36,
            average_monthly_wage_fen=WAGE_FEN,
            strict_review=False,
            approved_by="x",
            decided_on=DAY,
        )
    with refused(case, ApprovalRequired):  # decided: a new proposal is needed
        case.decide_approval(True, None, DAY, CHIEF)
    propose(case, 400_000)  # the officer proposes again, and it is approved
    case.decide_approval(True, None, DAY, HEAD)
    case.grant(
        amount_fen=400_000,
        months=36,
        average_monthly_wage_fen=WAGE_FEN,
        strict_review=False,
        approved_by="x",
        decided_on=DAY,
    )
    decided = [e for e in assert_rebuilds(case) if type(e).__name__ == "ApprovalDecided"]
    assert [(e.approved, e.reason) for e in decided] == [(False, "金额过高"), (True, None)]
    assert decided[0].approver == {
        "user_id": HEAD["user_id"],
        "name": "部门负责人",
        "roles": ["department_head"],
    }


def test_a_grant_never_exceeds_the_approved_proposal() -> None:
    case = case_at("heard")
    propose(case, 100_000)  # 1,000 yuan
    case.decide_approval(True, None, DAY, HEAD)
    with refused(case, GrantOverProposal) as info:
        case.grant(
            amount_fen=5_000_000,
            months=36,
            average_monthly_wage_fen=WAGE_FEN,
            strict_review=False,
            approved_by=CHIEF_MEETING,
            decided_on=DAY,
        )
    assert info.value.rule == "grant-over-proposal"
    case.grant(
        amount_fen=100_000,
        months=36,
        average_monthly_wage_fen=WAGE_FEN,
        strict_review=False,
        approved_by="x",
        decided_on=DAY,
    )


def test_more_than_36_months_needs_the_strict_review_recorded() -> None:
    case = case_at("heard")
    propose(case, 40 * WAGE_FEN)
    case.record_meeting(CHIEF_MEETING, DAY, [CHIEF], "approved", None, OFFICER)
    case.decide_approval(True, None, DAY, CHIEF)
    with refused(case, AmountOverLimit) as info:
        case.grant(
            amount_fen=40 * WAGE_FEN,
            months=40,
            average_monthly_wage_fen=WAGE_FEN,
            strict_review=True,
            approved_by="x",
            decided_on=DAY,
        )
    assert "strict review recorded" in str(info.value)
    with refused(case, RoleRequired):  # a strict review is held by a head or the chief
        case.record_meeting("strict-review", DAY, [OFFICER], "approved", None, OFFICER)
    case.record_meeting("strict-review", DAY, [HEAD, OFFICER], "approved", None, OFFICER)
    case.grant(
        amount_fen=40 * WAGE_FEN,
        months=40,
        average_monthly_wage_fen=WAGE_FEN,
        strict_review=True,
        approved_by="x",
        decided_on=DAY,
    )


@pytest.mark.parametrize(
    ("amount", "months", "wage"),
    [
        (1000.0, 36, WAGE_FEN),
        (Decimal("1000"), 36, WAGE_FEN),
        (True, 36, WAGE_FEN),
        (0, 36, WAGE_FEN),
        (-5, 36, WAGE_FEN),
        (1000, 0, WAGE_FEN),
        (1000, 1.5, WAGE_FEN),
        (1000, True, WAGE_FEN),
        (1000, 36, 8000.0),
        (1000, 36, 0),
    ],
)
def test_grant_figures_are_whole_positive_numbers_never_floats(
    amount: Any, months: Any, wage: Any
) -> None:
    case = case_at("submitted")
    with refused(case, InvalidValue):
        case.grant(
            amount_fen=amount,
            months=months,
            average_monthly_wage_fen=wage,
            strict_review=False,
            approved_by=CHIEF_MEETING,
            decided_on=DAY,
        )


@pytest.mark.parametrize("proposed", [3_000_000.0, 0, -1, True])
def test_a_proposed_amount_is_positive_integer_fen(proposed: Any) -> None:
    case = case_at("heard")
    with refused(case, InvalidValue):
        case.submit_for_approval(proposed, "officer", DAY)


def test_disbursing_more_than_granted_is_refused() -> None:
    case = case_at("granted")  # 30,000 yuan
    with refused(case, OverDisbursement) as info:
        case.disburse(case.granted_fen + 1, DAY)
    assert info.value.rule == "disbursement-over-grant"
    case.disburse(case.granted_fen - 100, DAY)
    with refused(case, OverDisbursement):
        case.disburse(101, DAY)
    case.disburse(99, DAY, "ceremony")
    assert case.stage == Stage.GRANTED  # one fen still to pay
    case.disburse(1, DAY)
    assert case.stage == Stage.DISBURSED
    with refused(case, OverDisbursement):
        case.disburse(1, DAY)


@pytest.mark.parametrize("amount", [100.0, 0, -100, True, Decimal("1")])
def test_a_disbursement_is_positive_integer_fen(amount: Any) -> None:
    case = case_at("granted")
    with refused(case, InvalidValue):
        case.disburse(amount, DAY)


@given(
    granted=st.integers(min_value=1, max_value=CHIEF_MEETING_THRESHOLD_FEN * 3),
    payments=st.lists(st.integers(min_value=1, max_value=CHIEF_MEETING_THRESHOLD_FEN * 2)),
)
def test_disbursements_never_exceed_the_grant(granted: int, payments: list[int]) -> None:
    case = case_at("submitted")
    case.grant(
        amount_fen=granted,
        months=36,
        average_monthly_wage_fen=CHIEF_MEETING_THRESHOLD_FEN,
        strict_review=False,
        approved_by=CHIEF_MEETING,
        decided_on=DAY,
    )
    paid = 0
    for amount in payments:
        if paid + amount > granted:
            with refused(case, OverDisbursement):
                case.disburse(amount, DAY)
        else:
            case.disburse(amount, DAY)
            paid += amount
        assert case.disbursed_fen == paid <= case.granted_fen
        assert (case.stage == Stage.DISBURSED) == (paid == granted)
    assert_rebuilds(case)
