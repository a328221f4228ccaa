"""The deadlines of the procedure on the party each binds, counted in official working days."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from projections.deadlines import (
    SlaPolicy,
    case_deadline,
    deadline,
    sender_lateness,
    sla_cutoffs,
    standing,
    watch_cutoffs,
)

POLICY = SlaPolicy()
CAL = POLICY.calendar
days = st.dates(min_value=date(2021, 1, 1), max_value=date(2024, 12, 31))


def test_the_decision_is_due_ten_working_days_after_receipt_national_day_skipped() -> None:
    # received Thu 2021-09-30; 10-01..07 is the National Day holiday, 09-26 and 10-09 are
    # adjusted working days: Fri 10-08, Sat 10-09, then 10-11..10-15 (7), 10-18..10-20 (10)
    case = {"stage": "reviewed", "received_on": "2021-09-30"}
    due = case_deadline(case, date(2021, 10, 20), POLICY)
    assert due is not None and (due.stage, due.on, due.level) == (
        "decision",
        date(2021, 10, 20),
        "amber",
    )
    late = case_deadline(case, date(2021, 10, 21), POLICY)
    assert late is not None and (late.level, late.days_overdue) == ("red", 1)


@given(days, st.integers(min_value=0, max_value=40))
def test_the_notice_is_due_two_working_days_after_the_funds_arrive(
    arrived: date, after: int
) -> None:
    case = {
        "stage": "granted",
        "received_on": "2021-01-04",
        "funds_arrived_on": arrived.isoformat(),
        "notified_on": None,
    }
    today = arrived + timedelta(days=after)
    due = case_deadline(case, today, POLICY)
    assert due is not None and due.stage == "notice"
    assert CAL.working_days_between(arrived, due.on) == 2 and CAL.is_working_day(due.on)
    assert (due.level == "red") == (CAL.working_days_between(due.on, today) > 0)
    assert case_deadline({**case, "notified_on": today.isoformat()}, today, POLICY) is None
    assert case_deadline({**case, "stage": "disbursed"}, today, POLICY) is None


@given(days, st.integers(min_value=0, max_value=60))
def test_the_sender_is_late_after_five_working_days(found: date, after: int) -> None:
    sent = found + timedelta(days=after)
    late = sender_lateness(found, sent, POLICY)
    due = date.fromisoformat(late["due_on"])
    assert CAL.working_days_between(found, due) == 5
    assert late["late_days"] == max(0, CAL.working_days_between(due, sent))
    assert (late["late_days"] == 0) == (sent <= due or CAL.working_days_between(due, sent) == 0)


def test_a_decided_case_has_no_decision_deadline() -> None:
    for stage in ("granted", "refused", "disbursed", "closed"):
        assert (
            case_deadline({"stage": stage, "received_on": "2021-01-04"}, date(2022, 1, 1), POLICY)
            is None
        )


@given(
    today=st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 12, 31)),
    amber=st.integers(min_value=0, max_value=5),
    completion=st.integers(min_value=1, max_value=20),
)
def test_the_watch_cutoffs_select_exactly_the_amber_and_red_referrals(
    today: date, amber: int, completion: int
) -> None:
    # the SQL filter of the watch list: due_on <= cutoff iff the referral is not green
    policy = SlaPolicy(amber_days=amber, completion_days=completion)
    answer_cut, work_cut = watch_cutoffs(today, policy)
    for offset in range(-40, 40):
        due = today + timedelta(days=offset)
        for status, cut in (("received", answer_cut), ("on-hold", work_cut)):
            found = deadline(status, due, today, policy)
            assert found is not None
            assert (found.level != "green") == (due.isoformat() <= cut), (status, due)


@given(
    today=st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 12, 31)),
    amber=st.integers(min_value=0, max_value=5),
    completion=st.integers(min_value=1, max_value=20),
    decision=st.integers(min_value=1, max_value=20),
    notice=st.integers(min_value=1, max_value=5),
    sender=st.integers(min_value=1, max_value=10),
)
def test_the_sla_cutoffs_give_exactly_the_red_and_amber_of_each_deadline(
    today: date, amber: int, completion: int, decision: int, notice: int, sender: int
) -> None:
    # the SQL counts and pages of the SLA board and the work queue: a day ≤ ``red`` iff its
    # deadline is red, ≤ ``watched`` iff it is not green, as deadline() and case_deadline() say
    policy = SlaPolicy(
        amber_days=amber,
        completion_days=completion,
        decision_days=decision,
        notice_days=notice,
        sender_days=sender,
    )
    cuts = sla_cutoffs(today, policy)

    def levels(day: date) -> dict[str, str]:
        iso = day.isoformat()
        answer, work = (
            deadline("received", day, today, policy),
            deadline("on-hold", day, today, policy),
        )
        undecided = case_deadline({"stage": "heard", "received_on": iso}, today, policy)
        unnoticed = case_deadline(
            {"stage": "granted", "received_on": iso, "funds_arrived_on": iso}, today, policy
        )
        on = policy.calendar.add_working_days(day, policy.sender_days)
        assert answer and work and undecided and unnoticed
        return {
            "answer": answer.level,
            "completion": work.level,
            "decision": undecided.level,
            "notice": unnoticed.level,
            "referral": standing("referral", on, today, policy).level,
        }

    for offset in range(-60, 40):
        day = today + timedelta(days=offset)
        for stage, level in levels(day).items():
            cut = cuts[stage]
            assert (level == "red") == (day.isoformat() <= cut.red), (stage, day)
            assert (level != "green") == (day.isoformat() <= cut.watched), (stage, day)
