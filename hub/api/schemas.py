"""Request and response schemas, apart from the domain: unknown fields are refused (422).

Every bound (amounts, dates, text and list lengths, counts) is one of ``domain.values``'s, so
the OpenAPI document states what the domain enforces.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from domain.values import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_AMOUNT_FEN,
    MAX_ITEMS,
    MAX_MONTHS,
    MAX_RESPONSE_DAYS,
    MAX_SHORT_TEXT,
    MAX_TEXT,
    AgencyKind,
    AgencyLevel,
    CaseSource,
    ProvisionKind,
    QualifyingSituation,
    RefusalGround,
    Service,
)

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=r"\S")]
ShortText = Annotated[str, Field(min_length=1, max_length=MAX_SHORT_TEXT, pattern=r"\S")]
Fen = Annotated[
    StrictInt,
    Field(
        gt=0, le=MAX_AMOUNT_FEN, description="money in integer fen (分), at most 100,000,000 yuan"
    ),
]
Day = Annotated[
    date,
    Field(
        ge=EARLIEST_DATE,
        le=LATEST_DATE,
        description=f"a date from {EARLIEST_DATE} to {LATEST_DATE}",
        json_schema_extra={"formatMinimum": str(EARLIEST_DATE), "formatMaximum": str(LATEST_DATE)},
    ),
]
RegionCode = Annotated[str, Field(pattern=r"^\d{2}(\d{2}){0,2}$", description="GB/T 2260")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Created(BaseModel):
    id: UUID


class StatusAnswer(BaseModel):
    id: UUID
    status: str
    version: int


class Done(BaseModel):
    id: UUID
    version: int


# Administration


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


# Persons


class PersonCreate(Strict):
    id_number: Annotated[str, Field(pattern=r"^[0-9]{17}[0-9Xx]$", description="身份证号")]
    name: ShortText
    contact: ShortText | None = None
    health: Text | None = None
    family: Text | None = None


class ConsentCreate(Strict):
    """A consent to disclosure for services (同意信息共享、同意接受帮扶), taken by the caller's
    agency: to the agencies and/or agency kinds named, for the services named."""

    given_by: Literal["person", "guardian", "close-relative"] = "person"
    giver_name: ShortText | None = Field(
        default=None, description="a guardian's or close relative's name (not the person's)"
    )
    relation: ShortText | None = Field(default=None, description="their relation to the person")
    to_agencies: list[UUID] = Field(default=[], max_length=MAX_ITEMS)
    to_kinds: list[AgencyKind] = Field(default=[], max_length=MAX_ITEMS)
    services: list[Service] = Field(min_length=1, max_length=MAX_ITEMS)
    aid_view: StrictBool = Field(
        default=False, description="the agencies named may also read the person's combined aid"
    )
    valid_from: Day | None = None
    valid_until: Day | None = None
    evidence: Literal["written", "oral"]
    witness: ShortText | None = Field(default=None, description="required for oral consent")
    recorded_by: ShortText


class ConsentRecorded(BaseModel):
    id: UUID
    consent_id: UUID
    version: int


class ConsentWithdraw(Strict):
    recorded_by: ShortText
    reason: Text
    consent_id: UUID | None = Field(
        default=None, description="the consent; without it, every live one the caller sees"
    )


# Cases


class CaseCreate(Strict):
    person_id: UUID
    source: CaseSource
    summary: Text
    received_on: Day | None = None
    referral_id: UUID | None = None
    actor: ShortText = "staff"


class InquiryCreate(Strict):
    officer: ShortText
    notes: Text
    held_on: Day | None = None


class ReviewCreate(Strict):
    situation: QualifyingSituation | None = None
    refusal_ground: RefusalGround | None = None
    notes: Text
    reviewed_on: Day | None = None


class HearingOfficer(Strict):
    name: ShortText
    role: ShortText
    view: Text


class HearingCreate(Strict):
    officers: list[HearingOfficer] = Field(min_length=1, max_length=MAX_ITEMS)
    held_on: Day | None = None


class SubmissionCreate(Strict):
    proposed_fen: Fen
    submitted_by: ShortText
    submitted_on: Day | None = None


class GrantCreate(Strict):
    amount_fen: Fen
    average_monthly_wage_fen: Fen
    months: Annotated[StrictInt, Field(ge=1, le=MAX_MONTHS)] = 36
    strict_review: StrictBool = False
    approved_by: ShortText
    decided_on: Day | None = None


class RefusalCreate(Strict):
    ground: RefusalGround
    detail: Text
    decided_on: Day | None = None


class DisbursementCreate(Strict):
    amount_fen: Fen
    ceremony: ShortText | None = None
    paid_on: Day | None = None


class FollowUpCreate(Strict):
    officer: ShortText
    notes: Text
    new_needs: list[Service] = Field(default=[], max_length=MAX_ITEMS)
    visited_on: Day | None = None


class ClosureCreate(Strict):
    reason: Text
    closed_on: Day | None = None


# Referrals


class ReferralCreate(Strict):
    recipient_id: UUID
    person_id: UUID
    case_id: UUID | None = None
    reason: Text
    services: list[Service] = Field(min_length=1, max_length=MAX_ITEMS)
    requested_by: ShortText
    legal_basis: Text | None = Field(
        default=None, description="without the person's consent: the legal basis invoked"
    )
    invoked_by: ShortText | None = None
    requested_on: Day | None = None


class Provision(Strict):
    kind: ProvisionKind
    amount_fen: Fen | None = None
    provider: ShortText
    description: Annotated[str, Field(max_length=MAX_TEXT)] = ""


class Outcome(Strict):
    successful: StrictBool
    reason: Text | None = None
    provisions: list[Provision] = Field(default=[], max_length=MAX_ITEMS)


class ReferralAnswer(Strict):
    actor: ShortText
    reason: Text | None = None
    outcome: Outcome | None = None


class ReReferralCreate(Strict):
    recipient_id: UUID
    reason: Text
    actor: ShortText
    services: list[Service] | None = Field(default=None, max_length=MAX_ITEMS)


def dump(model: BaseModel | None) -> Any:
    return None if model is None else model.model_dump(mode="json")
