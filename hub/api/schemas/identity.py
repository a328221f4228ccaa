"""Request and response schemas of sign-in, officials and machine tokens."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.officials import OfficialRole
from domain.values import (
    MAX_EXTERNAL_ID,
    MAX_PASSWORD,
    MAX_SHORT_TEXT,
    MAX_STAFF_NUMBER,
    MIN_PASSWORD,
)
from hub.api.schemas.base import ShortText, Strict

StaffNumber = Annotated[str, Field(min_length=1, max_length=MAX_STAFF_NUMBER, pattern=r"^\S+$")]
Password = Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD)]
NewPassword = Annotated[str, Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)]
Roles = Annotated[list[OfficialRole], Field(min_length=1, max_length=len(OfficialRole))]
#: a machine token's lifetime, in days (at most about five years)
LifetimeDays = Annotated[int, Field(gt=0, le=1830)]


class SignIn(Strict):
    agency: ShortText = Field(description="the agency's full name or id")
    staff_number: StaffNumber
    password: Password
    code: Annotated[str, Field(pattern=r"^[0-9]{6,8}$")] | None = Field(
        default=None, description="the TOTP code, where a second factor is enrolled"
    )


class MePublic(BaseModel):
    kind: str
    role: str
    user_id: UUID | None
    agency_id: UUID | None
    name: str
    roles: list[str]


class SignedIn(MePublic):
    token: str
    expires: float = Field(description="when the session ends, in seconds since the epoch")


class UserCreate(Strict):
    agency_id: UUID
    name: ShortText
    staff_number: StaffNumber
    roles: Roles
    external_id: Annotated[str, Field(min_length=1, max_length=MAX_EXTERNAL_ID)] | None = None
    password: NewPassword | None = None


class UserRoles(Strict):
    roles: Roles


class UserDisable(Strict):
    reason: ShortText


class UserPassword(Strict):
    password: NewPassword


class UserPublic(BaseModel):
    id: UUID
    agency_id: UUID
    name: str
    staff_number: str
    roles: list[str]
    external_id: str | None
    disabled: bool
    version: int


class TotpEnrolled(BaseModel):
    secret: str
    uri: str


class ConnectorTokenCreate(Strict):
    agency_id: UUID
    label: ShortText
    lifetime_days: LifetimeDays | None = None


class TokenRotate(Strict):
    overlap_hours: Annotated[float, Field(ge=0, le=24 * 30)] = 24.0
    lifetime_days: LifetimeDays | None = None


class MachineToken(BaseModel):
    token_id: str
    token: str
    role: Literal["staff", "connector", "auditor", "admin"]
    agency_id: UUID | None
    label: str = Field(max_length=MAX_SHORT_TEXT)
    expires: float | None


class TokenPublic(BaseModel):
    token_id: str
    role: str
    agency_id: str | None
    label: str
    created: float
    expires: float | None
    replaced_by: str | None
    valid: bool
