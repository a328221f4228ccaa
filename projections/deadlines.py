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
from functools import lru_cache
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


@dataclass(frozen=True)
class Cutoffs:
    """For one kind of deadline, as of a day: its deadline is red iff the day it runs from
    (``due_on``, ``received_on``, ``funds_arrived_on``, ``found_on``) ≤ ``red``, and amber or
    red (not green) iff that day ≤ ``watched`` (ISO dates, to compare with a view's text)."""

    red: str
    watched: str


def _cutoffs(today: date, policy: SlaPolicy, on_of: Any, span: int) -> Cutoffs:
    """The :class:`Cutoffs` of a deadline on ``on_of(day)``, at most ``span`` working days
    after ``day``.

    A deadline's colour only gets worse as its day comes earlier, and ``on_of`` never moves a
    deadline back when its day moves on, so the latest day of each colour bounds a filter.
    """

    def last(levels: tuple[str, ...]) -> str:
        day = today - timedelta(days=3 * span + 60)  # red: long past
        while standing("", on_of(day + timedelta(days=1)), today, policy).level in levels:
            day += timedelta(days=1)
        return day.isoformat()

    return Cutoffs(red=last(("red",)), watched=last(("red", "amber")))


@lru_cache(maxsize=64)
def sla_cutoffs(today: date, policy: SlaPolicy) -> dict[str, Cutoffs]:
    """The :class:`Cutoffs` of each deadline the SLA watches, by its stage: a referral's
    ``answer`` (on ``due_on``) and ``completion`` (``due_on`` + ``completion_days``), a
    case's ``decision`` (``received_on`` + ``decision_days``) and ``notice``
    (``funds_arrived_on`` + ``notice_days``), a need's ``referral`` (``found_on`` +
    ``sender_days``). Lets a view count and page by colour in SQL, on stored days alone.
    Cached per day and policy (do not change the answer)."""
    cal = policy.calendar

    def after(days: int) -> Any:
        return lambda day: cal.add_working_days(day, days)

    return {
        "answer": _cutoffs(today, policy, lambda day: day, 0),
        "completion": _cutoffs(
            today, policy, after(policy.completion_days), policy.completion_days
        ),
        "decision": _cutoffs(today, policy, after(policy.decision_days), policy.decision_days),
        "notice": _cutoffs(today, policy, after(policy.notice_days), policy.notice_days),
        "referral": _cutoffs(today, policy, after(policy.sender_days), policy.sender_days),
    }


def overdue_cutoffs(today: date, policy: SlaPolicy) -> tuple[str, str]:
    """``(answer, work)``: a referral is overdue (red) iff ``due_on`` ≤ the cutoff of its stage.

    Lets a view filter overdue referrals in SQL, on the stored ``due_on`` alone.
    """
    found = sla_cutoffs(today, policy)
    return found["answer"].red, found["completion"].red


def watch_cutoffs(today: date, policy: SlaPolicy) -> tuple[str, str]:
    """``(answer, work)``: a referral is amber or red iff ``due_on`` ≤ the cutoff of its stage.

    Only the referrals near or past their deadline reach Python (see :func:`_cutoffs`).
    """
    found = sla_cutoffs(today, policy)
    return found["answer"].watched, found["completion"].watched
