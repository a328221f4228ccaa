"""Referral deadlines in working days (工作日), and the SLA colours derived from them.

A referral has two deadlines, both counted on China's official calendar (with local extra
days, :class:`domain.workdays.WorkCalendar`):

- the **answer** deadline: its ``due_on`` (the recipient's response target), while it is
  ``requested`` or ``received``;
- the **completion** deadline: ``completion_days`` working days after ``due_on`` (default 10,
  "the handling body gives its opinion within 10 working days"), while it is ``accepted``,
  ``in-progress`` or ``on-hold``.

A deadline's day is still in time; a referral is **overdue** once a working day has passed
after it (``days_overdue`` counts those working days). It is **amber** when the deadline is
at most ``amber_days`` working days away, **red** when overdue. Final statuses have none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.workdays import WorkCalendar

ANSWER_STAGE = ("requested", "received")
WORK_STAGE = ("accepted", "in-progress", "on-hold")


@dataclass(frozen=True)
class SlaPolicy:
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    completion_days: int = 10
    amber_days: int = 2


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
    between = cal.working_days_between(on, today)
    overdue = max(0, between)
    left = -between
    if overdue > 0:
        level = "red"
    elif left <= policy.amber_days:
        level = "amber"
    else:
        level = "green"
    return Deadline(stage, on, overdue, left, level)


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
