"""Working days (工作日) on China's official calendar, with local extra days.

Deadlines in the referral rules are counted in working days: official holidays are skipped
and adjusted working days (调休) count. The ``chinese-calendar`` package keeps the official
calendar; for a year it does not know yet, Monday to Friday are working days. Local extra
holidays and extra working days are configured per deployment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=8192)
def _official_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


@dataclass(frozen=True)
class WorkCalendar:
    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def with_local_days(
        cls, holidays: Iterable[date] = (), workdays: Iterable[date] = ()
    ) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(workdays))

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        return _official_working_day(day)

    def add_working_days(self, start: date, days: int) -> date:
        """The day ``days`` working days after ``start`` (``start`` itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        return _added(self, start, days)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative if end < start."""
        if end < start:
            return -_between(self, end, start)
        return _between(self, start, end)


# Memoised on (calendar, days): a region's watch list asks the same few hundred pairs of
# days for thousands of referrals (the calendar is frozen, so hashable and unchanging).
@lru_cache(maxsize=65536)
def _added(calendar: WorkCalendar, start: date, days: int) -> date:
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


@lru_cache(maxsize=65536)
def _between(calendar: WorkCalendar, start: date, end: date) -> int:
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            count += 1
    return count
