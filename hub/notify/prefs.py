"""Each official's notification preferences (通知偏好), and what they mean at a given time.

``triggers`` (which to be told of), ``channels`` (``email``, ``webhook``; the console's list
always holds every notification told), ``email`` (their address, kept in the notifier's store,
never in the log), ``lang`` (``zh`` or ``en``), ``digest`` (one message a day instead of one
each), ``quiet_hours`` (``{"start": "22:00", "end": "07:00"}`` China time: messages wait until
it ends).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from hub.notify.messages import TRIGGERS

CHANNELS = ("email", "webhook")

DEFAULTS: dict[str, Any] = {
    "triggers": list(TRIGGERS),
    "channels": list(CHANNELS),
    "email": None,
    "lang": "zh",
    "digest": False,
    "quiet_hours": None,
}


def effective(stored: dict[str, Any] | None) -> dict[str, Any]:
    """The stored preferences over the defaults."""
    return {**DEFAULTS, **(stored or {})}


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def quiet_until(prefs: dict[str, Any], now: datetime) -> datetime | None:
    """When the official's quiet hours end, if ``now`` (China time) is within them."""
    quiet = prefs.get("quiet_hours")
    if not quiet:
        return None
    start, end = _clock(quiet["start"]), _clock(quiet["end"])
    at = now.timetz().replace(tzinfo=None)
    if start == end:
        return None
    inside = start <= at < end if start < end else (at >= start or at < end)
    if not inside:
        return None
    ends = datetime.combine(now.date(), end, tzinfo=now.tzinfo)
    return ends if ends > now else ends + timedelta(days=1)
