"""Working days on China's official calendar, local extra days, and the Mon–Fri fallback."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.workdays import WorkCalendar

CAL = WorkCalendar()


def test_national_day_2026_is_not_a_working_day() -> None:
    assert date(2026, 10, 1).weekday() == 3  # a Thursday
    for day in range(1, 8):
        assert not CAL.is_working_day(date(2026, 10, day))


def test_an_adjusted_working_saturday_counts() -> None:
    adjusted = [
        d
        for d in chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31))
        if d.weekday() >= 5
    ]
    assert date(2026, 10, 10) in adjusted  # Saturday 调休 after National Day
    for day in adjusted:
        assert CAL.is_working_day(day)


def test_ordinary_days_of_2026() -> None:
    assert CAL.is_working_day(date(2026, 3, 2))  # a Monday
    assert not CAL.is_working_day(date(2026, 3, 7))  # a Saturday
    assert not CAL.is_working_day(date(2026, 2, 17))  # Spring Festival, a Tuesday


def test_five_working_days_across_national_day() -> None:
    # Wed 30 Sep + 5 working days: 1–7 Oct are off; Thu 8, Fri 9, Sat 10 (调休) are worked,
    # Sun 11 is off, then Mon 12 and Tue 13.
    assert CAL.is_working_day(date(2026, 10, 8))
    assert not CAL.is_working_day(date(2026, 10, 11))
    assert CAL.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert CAL.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5


def test_local_extra_holidays_and_workdays() -> None:
    friday, saturday, monday = date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 9)
    local = WorkCalendar.with_local_days(holidays=[monday], workdays=[saturday])
    assert not local.is_working_day(monday)
    assert local.is_working_day(saturday)
    assert CAL.add_working_days(friday, 2) == date(2026, 3, 10)
    # Saturday is worked locally, Monday is a local holiday.
    assert local.add_working_days(friday, 2) == date(2026, 3, 10)
    assert local.add_working_days(friday, 1) == saturday
    assert local.working_days_between(friday, date(2026, 3, 11)) == 3
    # A day made both a holiday and a workday locally is a holiday.
    both = WorkCalendar.with_local_days(holidays=[saturday], workdays=[saturday])
    assert not both.is_working_day(saturday)


@pytest.mark.parametrize("year", [2003, 2099])
def test_a_year_the_calendar_does_not_know_falls_back_to_monday_to_friday(year: int) -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(year, 10, 1))
    for offset in range(14):
        day = date(year, 10, 1) + timedelta(days=offset)
        assert CAL.is_working_day(day) == (day.weekday() < 5)


def test_counting_across_into_an_unknown_year() -> None:
    # Thu 31 Dec 2099 + 1 working day: Fri 1 Jan 2100 (no holidays known, Mon–Fri).
    assert CAL.add_working_days(date(2099, 12, 31), 1) == date(2100, 1, 1)


def test_zero_days_is_the_same_day_and_negative_is_refused() -> None:
    assert CAL.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 10, 3), -1)


DAYS = st.dates(min_value=date(2004, 1, 1), max_value=date(2099, 12, 31))


@given(start=DAYS, n=st.integers(min_value=0, max_value=60))
def test_adding_working_days_round_trips(start: date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    assert CAL.working_days_between(end, start) == -n
    assert n == 0 or CAL.is_working_day(end)
    assert n == 0 or CAL.add_working_days(start, n - 1) < end


@given(a=DAYS, b=DAYS, c=DAYS)
def test_working_days_between_adds_up(a: date, b: date, c: date) -> None:
    a, b, c = sorted((a, b, c))
    if (c - a).days > 120:
        c = a + timedelta(days=120)
        b = min(b, c)
    assert CAL.working_days_between(a, b) + CAL.working_days_between(b, c) == (
        CAL.working_days_between(a, c)
    )
