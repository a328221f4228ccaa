"""Notifications to officials: the list, the preferences, the failed messages."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from hub.api.schemas.base import Public, Strict

Trigger = Literal[
    "referral-arrived",
    "referral-answered",
    "deadline-amber",
    "deadline-red",
    "escalation",
    "consent-withdrawn",
    "dead-letter",
]
Channel = Literal["email", "webhook"]
Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, China time")]
Email = Annotated[
    str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="an address")
]


class QuietHours(Strict):
    start: Clock
    end: Clock


class Preferences(Strict):
    """What to be told of and how (通知偏好); the console's list always holds what is told."""

    triggers: list[Trigger] = Field(max_length=7)
    channels: list[Channel] = Field(max_length=2)
    email: Email | None = None
    lang: Literal["zh", "en"] = "zh"
    digest: bool = False
    quiet_hours: QuietHours | None = None


class PreferencesPublic(Public):
    triggers: list[str]
    channels: list[str]
    email: str | None
    lang: str
    digest: bool
    quiet_hours: dict[str, str] | None


class NotificationPublic(Public):
    id: str
    trigger: str
    agency_id: str
    params: dict[str, object]
    created_at: float
    read: bool
    subject: str
    text: str
    link: str


class NotificationsPublic(Public):
    data: list[NotificationPublic]
    count: int
    unread: int


class MarkedRead(BaseModel):
    marked: int


class FailedPublic(Public):
    id: str
    channel: str
    user_id: str
    attempts: int
    error: str | None


class Retried(BaseModel):
    retried: list[str]
