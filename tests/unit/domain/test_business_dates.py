"""Business dates: stamped today by default; earlier with a reason and within the window;
never in the future; a case's steps never dated before the step recorded before them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import business_date
from domain.errors import (
    BackdateNotAllowed,
    BackdateReasonRequired,
    FutureDate,
    StepDatedBeforePrevious,
)
from domain.values import EARLIEST_DATE, LATEST_DATE
from tests.unit.domain.support import DAY, assert_rebuilds, case_at, new_case, refused

TODAY = date(2026, 12, 2)
days = st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE)
windows = st.integers(min_value=0, max_value=4000)


def test_no_date_is_today_with_no_reason() -> None:
    day = business_date(None, today=TODAY, reason="ignored", max_backdate_days=30, what="on")
    assert (day.on, day.backdate_reason) == (TODAY, None)


@given(days, windows, st.booleans())
def test_a_date_is_taken_exactly_when_the_rules_allow(on: date, window: int, why: bool) -> None:
    reason = "纸质卷宗补录" if why else None
    back = (TODAY - on).days
    try:
        day = business_date(on, today=TODAY, reason=reason, max_backdate_days=window, what="on")
    except FutureDate:
        assert on > TODAY
    except BackdateReasonRequired:
        assert on < TODAY and not why
    except BackdateNotAllowed:
        assert on < TODAY and why and back > window
    else:
        assert on <= TODAY and (on == TODAY or (why and back <= window))
        assert day.on == on
        assert day.backdate_reason == (reason if on < TODAY else None)


def test_a_blank_reason_is_no_reason() -> None:
    with pytest.raises(BackdateReasonRequired):
        business_date(
            TODAY - timedelta(days=1), today=TODAY, reason="  ", max_backdate_days=30, what="on"
        )


def test_the_refusals_name_their_rules() -> None:
    assert FutureDate.rule == "business-date-in-future"
    assert BackdateReasonRequired.rule == "backdate-reason-required"
    assert BackdateNotAllowed.rule == "backdate-too-far"
    assert StepDatedBeforePrevious.rule == "case-step-date-order"


@given(st.integers(min_value=1, max_value=400))
def test_a_step_dated_before_the_previous_step_is_refused(days_before: int) -> None:
    case = case_at("reviewed-eligible")
    with refused(case, StepDatedBeforePrevious) as info:
        case.submit_for_approval(100_000, "承办检察官", DAY - timedelta(days=days_before))
    assert str(DAY) in info.value.message


@given(st.integers(min_value=0, max_value=400))
def test_a_step_on_or_after_the_previous_step_is_taken(days_after: int) -> None:
    case = new_case()
    later = DAY + timedelta(days=days_after)
    case.record_inquiry("询问", later, backdate_reason="补录", on_behalf_of="检察官")
    assert case.last_on == later
    with refused(case, StepDatedBeforePrevious):
        case.review(
            situation="serious-injury-unpaid",
            refusal_ground=None,
            notes="符合",
            reviewed_on=later - timedelta(days=1),
        )
    case.review(
        situation="serious-injury-unpaid", refusal_ground=None, notes="符合", reviewed_on=later
    )
    events = assert_rebuilds(case)
    assert events[1].backdate_reason == "补录"


def test_every_dated_step_keeps_the_order() -> None:
    """After a grant, neither the disbursement, the funds' arrival, the notice, a follow-up
    nor the closure may be dated before the decision."""
    case = case_at("granted")
    before = DAY - timedelta(days=1)
    for attempt in (
        lambda: case.disburse(1_000, before),
        lambda: case.record_funds_arrived(before),
    ):
        with refused(case, StepDatedBeforePrevious):
            attempt()
    case.record_funds_arrived(DAY)
    with refused(case, StepDatedBeforePrevious):
        case.notify_applicant(before, "电话")
