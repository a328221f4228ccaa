"""Business dates (业务日期): the day a step happened, as distinct from when it was recorded.

Every step of an aid case and every referral carries a business date. The hub stamps the day
it records the step (China time) unless the client gives an earlier one; an earlier date needs
a reason and may go back at most a set number of days (a deployment setting); a date after
the recording day is refused. The domain stays free of clocks: the hub passes its recording
day in, and :func:`business_date` decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.errors import BackdateNotAllowed, BackdateReasonRequired, FutureDate
from domain.values import check_date, check_length, require_text


@dataclass(frozen=True)
class BusinessDate:
    """A step's business date and, when earlier than the recording day, why."""

    on: date
    backdate_reason: str | None = None


def business_date(
    on: date | None,
    *,
    today: date,
    reason: str | None,
    max_backdate_days: int,
    what: str,
) -> BusinessDate:
    """``on`` (or ``today`` when not given) checked against the recording day ``today``."""
    if on is None:
        return BusinessDate(today, None)
    check_date(on, what)
    if on > today:
        raise FutureDate(
            f"{what} {on} is after today ({today}): a step is recorded once it happened"
        )
    if on == today:
        return BusinessDate(on, None)
    if reason is None or not reason.strip():
        raise BackdateReasonRequired(
            f"{what} {on} is earlier than today ({today}): say why it is recorded late"
        )
    if (today - on).days > max_backdate_days:
        raise BackdateNotAllowed(
            f"{what} {on} is {(today - on).days} days before today; at most "
            f"{max_backdate_days} days may be recorded late"
        )
    check_length(reason, "backdate reason")
    return BusinessDate(on, require_text(reason, "backdate reason"))
