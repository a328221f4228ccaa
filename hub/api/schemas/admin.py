"""Administration: agencies, tokens, linkage mechanisms; and operators' reads (audit, health, dead letters)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StrictInt

from domain.values import (
    MAX_ITEMS,
    MAX_RESPONSE_DAYS,
    AgencyKind,
    AgencyLevel,
    Service,
)
from hub.api.schemas.base import (
    DateText,
    Day,
    Fields,
    Id,
    Public,
    RegionCode,
    ShortText,
    Strict,
    Text,
    TimeText,
)


class AgencyCreate(Strict):
    name: ShortText
    kind: AgencyKind
    level: AgencyLevel
    region_code: RegionCode
    services: list[Service] = Field(min_length=1, max_length=MAX_ITEMS)
    response_days: Annotated[StrictInt, Field(ge=1, le=MAX_RESPONSE_DAYS)] = 5
    parent_id: UUID | None = None


class TokenCreate(Strict):
    role: Literal["staff", "connector", "auditor", "admin"]
    agency_id: UUID | None = None
    label: ShortText


class TokenIssued(BaseModel):
    token: str
    role: str
    agency_id: UUID | None


class MechanismMember(Strict):
    agency_id: UUID
    responsibility: Text


class MechanismCreate(Strict):
    name: ShortText
    region_code: RegionCode
    lead_agency_id: UUID
    signed_on: Day
    members: list[MechanismMember] = Field(min_length=1, max_length=MAX_ITEMS)


class MechanismJoin(Strict):
    agency_id: UUID
    responsibility: Text
    joined_on: Day


class MechanismLeave(Strict):
    left_on: Day
    reason: Text


class AgencyPublic(Public):
    """An agency (单位) in the directory: no personal data."""

    id: Id
    name: str
    kind: str
    level: str
    region_code: str
    services: list[str]
    response_days: int
    parent_id: Id | None
    version: int


class MechanismMemberPublic(Public):
    agency_id: Id
    responsibility: str


class MechanismPublic(Public):
    """A linkage mechanism (联动机制) and its members."""

    id: Id
    name: str
    region_code: str
    lead_agency_id: Id
    signed_on: DateText
    members: list[MechanismMemberPublic]
    version: int


class VerificationPublic(Public):
    """The hash chains checked, and any finding."""

    ok: bool
    checked: int
    streams: int
    findings: list[Fields]


class AccessReadPublic(Public):
    """One read of personal data: who, whose, when, why, through which channel."""

    id: Id
    at: TimeText
    person_id: Id
    reader: str
    role: str
    agency_id: Id | None
    purpose: str
    channel: str


class HealthPublic(Public):
    """Up or not; for an administrator, also the log's and the views' positions."""

    status: str
    log_position: int | None = None
    views: Any = None
    feed_waits: int | None = None


class DeadLetterPublic(Public):
    """A reply that could not be applied, with the reason."""

    id: str
    error: str
    detail: str | None
    source: str
    reply: Any
