"""What notifications say, in both languages, and when an official's quiet hours hold them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from hub.notify.messages import TRIGGERS, digest, link, render
from hub.notify.notifier import Retry
from hub.notify.prefs import effective, quiet_until

CHINA = timezone(timedelta(hours=8))
REFERRAL = "6f0c1d52-0000-4000-8000-000000000001"
PARAMS: dict[str, dict[str, Any]] = {
    "referral-arrived": {
        "referral_id": REFERRAL,
        "requester": "奎屯市人民检察院",
        "due_on": "2026-12-09",
    },
    "referral-answered": {
        "referral_id": REFERRAL,
        "recipient": "奎屯市民政局",
        "status": "completed",
        "successful": False,
    },
    "deadline-amber": {
        "kind": "case",
        "stage": "decision",
        "deadline": "2026-12-09",
        "working_days_left": 2,
        "days_overdue": 0,
        "case_id": REFERRAL,
    },
    "deadline-red": {
        "kind": "referral",
        "stage": "answer",
        "deadline": "2026-12-09",
        "working_days_left": 0,
        "days_overdue": 3,
        "referral_id": REFERRAL,
    },
    "escalation": {
        "kind": "need",
        "stage": "referral",
        "deadline": "2026-12-09",
        "days_overdue": 1,
        "working_days_left": 0,
        "agency": "奎屯市民政局",
        "case_id": REFERRAL,
    },
    "consent-withdrawn": {"referral_id": REFERRAL},
    "dead-letter": {"letter_id": "0:12", "error": "not-party"},
}


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_trigger_reads_in_both_languages_with_its_link(trigger: str, lang: str) -> None:
    subject, text = render(trigger, PARAMS[trigger], lang, "https://hub.example/")
    assert subject and text.endswith("\n")
    url = link("https://hub.example/", PARAMS[trigger])
    assert url in text and url.startswith("https://hub.example/console/")
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in subject)
    assert chinese == (lang == "zh")


def test_the_texts_say_what_happened() -> None:
    assert "帮扶未成功" in render("referral-answered", PARAMS["referral-answered"], "zh", "")[1]
    assert "逾期3个工作日" in render("deadline-red", PARAMS["deadline-red"], "zh", "")[1]
    assert "司法救助决定期限" in render("deadline-amber", PARAMS["deadline-amber"], "zh", "")[1]
    assert "/console/work/cases/" in render("escalation", PARAMS["escalation"], "en", "")[1]
    subject, text = digest([(t, PARAMS[t]) for t in TRIGGERS], "zh", "")
    assert "7条通知" in subject and text.count("\n- ") == len(TRIGGERS) - 1


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 2, hour, minute, tzinfo=CHINA)


def test_quiet_hours_over_midnight_and_within_a_day() -> None:
    night = effective({"quiet_hours": {"start": "22:00", "end": "07:00"}})
    assert quiet_until(night, at(21, 59)) is None
    assert quiet_until(night, at(23)) == at(7) + timedelta(days=1)
    assert quiet_until(night, at(6, 30)) == at(7)
    assert quiet_until(night, at(7)) is None
    lunch = effective({"quiet_hours": {"start": "12:00", "end": "14:00"}})
    assert quiet_until(lunch, at(13)) == at(14)
    assert quiet_until(lunch, at(11)) is None
    assert quiet_until(effective(None), at(23)) is None


def test_retries_back_off_then_give_up() -> None:
    retry = Retry(max_attempts=4, base_seconds=5, max_seconds=12)
    assert [retry.next_at(n, 100.0) for n in (1, 2, 3, 4)] == [105.0, 110.0, 112.0, None]
