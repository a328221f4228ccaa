"""Deadlines in working days (工作日), each on the party it falls on, and their SLA colours.

All are counted on China's official calendar (with local extra days,
:class:`domain.workdays.WorkCalendar`). On a referral:

- the **sender**'s: refer within ``sender_days`` (5) working days of the sender's own event
  (case concluded, lead found: the referral's ``found_on``); a referral sent later says by how
  many working days (:func:`sender_lateness`);
- the recipient's **answer**: its ``due_on`` (the agency's or mechanism's own response
  target), while it is ``requested`` or ``received``;
- the recipient's **completion**: ``completion_days`` working days after ``due_on`` (a local
  service target, ``HUB_SLA_COMPLETION_DAYS``), while ``accepted``, ``in-progress`` or
  ``on-hold``.

On an aid case (:func:`case_deadline`): the procuratorate's **decision** within
``decision_days`` (10) working days of accepting the application, and its **notice** to the
applicant within ``notice_days`` (2) working days of the funds arriving.

A deadline's day is still in time; a referral is **overdue** once a working day has passed
after it (``days_overdue`` counts those working days). It is **amber** when the deadline is
at most ``amber_days`` working days away, **red** when overdue. Final statuses have none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.workdays import WorkCalendar

ANSWER_STAGE = ("requested", "received")
WORK_STAGE = ("accepted", "in-progress", "on-hold")


@dataclass(frozen=True)
class SlaPolicy:
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    completion_days: int = 10
    amber_days: int = 2
    sender_days: int = 5
    decision_days: int = 10
    notice_days: int = 2


@dataclass(frozen=True)
class Deadline:
    stage: str  # "answer" | "completion"
    on: date
    days_overdue: int
    working_days_left: int
    level: str  # "green" | "amber" | "red"


def deadline(status: str, due_on: date, today: date, policy: SlaPolicy) -> Deadline | None:
    """The referral's current deadline and how it stands today, or None once it is final."""
    cal = policy.calendar
    if status in ANSWER_STAGE:
        stage, on = "answer", due_on
    elif status in WORK_STAGE:
        stage, on = "completion", cal.add_working_days(due_on, policy.completion_days)
    else:
        return None
    return standing(stage, on, today, policy)


def standing(stage: str, on: date, today: date, policy: SlaPolicy) -> Deadline:
    """How a deadline on day ``on`` stands ``today``: green, amber or red."""
    between = policy.calendar.working_days_between(on, today)
    overdue = max(0, between)
    left = -between
    if overdue > 0:
        level = "red"
    elif left <= policy.amber_days:
        level = "amber"
    else:
        level = "green"
    return Deadline(stage, on, overdue, left, level)


#: case stages before the decision, while the 10-working-day decision deadline runs
UNDECIDED = ("received", "inquired", "reviewed", "heard", "submitted")


def case_deadline(case: dict[str, Any], today: date, policy: SlaPolicy) -> Deadline | None:
    """The procuratorate's open deadline on a case row (``stage``, ``received_on``,
    ``funds_arrived_on``, ``notified_on``), or None."""
    cal = policy.calendar
    if case["stage"] in UNDECIDED:
        received = date.fromisoformat(case["received_on"])
        return standing(
            "decision", cal.add_working_days(received, policy.decision_days), today, policy
        )
    if case.get("funds_arrived_on") and not case.get("notified_on") and case["stage"] == "granted":
        arrived = date.fromisoformat(case["funds_arrived_on"])
        return standing("notice", cal.add_working_days(arrived, policy.notice_days), today, policy)
    return None


def sender_lateness(found_on: date, requested_on: date, policy: SlaPolicy) -> dict[str, Any]:
    """The sender's deadline (``found_on`` + 5 working days) and how late the referral was."""
    due = policy.calendar.add_working_days(found_on, policy.sender_days)
    late = max(0, policy.calendar.working_days_between(due, requested_on))
    return {"found_on": found_on.isoformat(), "due_on": due.isoformat(), "late_days": late}


def last_working_day(day: date, calendar: WorkCalendar) -> date:
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def overdue_cutoffs(today: date, policy: SlaPolicy) -> tuple[str, str]:
    """``(answer, work)``: a referral is overdue iff ``due_on`` ≤ the cutoff of its stage.

    Lets a view filter overdue referrals in SQL, on the stored ``due_on`` alone.
    """
    cal = policy.calendar
    last = last_working_day(today, cal)
    answer = last - timedelta(days=1)
    work = answer
    while cal.add_working_days(work, policy.completion_days) >= last:
        work -= timedelta(days=1)
    return answer.isoformat(), work.isoformat()


def watch_cutoffs(today: date, policy: SlaPolicy) -> tuple[str, str]:
    """``(answer, work)``: a referral is amber or red iff ``due_on`` ≤ the cutoff of its stage.

    A deadline's colour only gets worse as its day comes earlier, and the completion deadline
    only moves with ``due_on``, so the latest ``due_on`` that is not green bounds a SQL filter:
    only the referrals near or past their deadline reach Python.
    """
    cal = policy.calendar

    def last_watched(on_of: Any) -> str:
        day = today - timedelta(days=3 * policy.completion_days + 60)  # red: long past
        while standing("", on_of(day + timedelta(days=1)), today, policy).level != "green":
            day += timedelta(days=1)
        return day.isoformat()

    answer = last_watched(lambda due: due)
    work = last_watched(lambda due: cal.add_working_days(due, policy.completion_days))
    return answer, work
