"""Aid cases: each step of the procedure, and a case's reads (file, aid, history)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StrictBool, StrictInt

from domain.values import (
    MAX_ITEMS,
    MAX_MONTHS,
    CaseSource,
    QualifyingSituation,
    RefusalGround,
    Service,
)
from hub.api.schemas.base import Day, Fen, Fields, Id, Public, ShortText, Strict, Text, TimeText
from hub.api.schemas.referrals import ProvisionPublic, ReferralPublic


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
    """Proposed by the signed-in case officer making the request (never named in the body)."""

    proposed_fen: Fen
    submitted_on: Day | None = None


class MeetingCreate(Strict):
    """The chief procurator's meeting (检察长办公会) or the strict review (严格审查)."""

    meeting: Literal["chief-procurator-meeting", "strict-review"]
    attendee_ids: list[UUID] = Field(min_length=1, max_length=MAX_ITEMS)
    decision: Literal["approved", "refused"]
    notes: Text | None = None
    held_on: Day | None = None


class ApprovalCreate(Strict):
    """The signed-in department head or chief procurator approves, or refuses with a reason."""

    approved: StrictBool
    reason: ShortText | None = None
    decided_on: Day | None = None


class GrantCreate(Strict):
    amount_fen: Fen
    average_monthly_wage_fen: Fen
    months: Annotated[StrictInt, Field(ge=1, le=MAX_MONTHS)] = 36
    strict_review: StrictBool = False
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


class ActorPublic(Public):
    """Who acted: an official (``user``), a connector, a break-glass operator, or for an event
    recorded before officials signed in, the free text it recorded (``recorded``)."""

    kind: Literal["user", "connector", "break-glass", "recorded"]
    user_id: Id | None
    agency_id: Id | None
    name: str
    roles: list[str]


class EventPublic(Public):
    """One event of a case's or a referral's history."""

    version: int
    event: str
    at: TimeText
    by: ActorPublic | None
    details: Fields


class CasePublic(Public):
    """A case file (案件) read from the log: the case, its referrals and the aid they gave."""

    id: Id
    procuratorate_id: Id
    person_id: Id
    source: str
    referral_id: Id | None
    stage: str
    eligible: bool | None
    granted_fen: int
    disbursed_fen: int
    follow_ups: int
    version: int
    referrals: list[ReferralPublic]
    social_aid: list[ProvisionPublic]


class JudicialAidPublic(Public):
    case_id: Id
    granted_fen: int
    disbursed_fen: int


class AidTotalsPublic(Public):
    judicial_granted_fen: int
    judicial_disbursed_fen: int
    social_amount_fen: int
    all_amount_fen: int
    social_by_kind_fen: dict[str, int]
    social_by_provider_fen: dict[str, int]


class AidPublic(Public):
    """A person's combined aid (救助): judicial relief plus every social assistance."""

    person_id: Id
    judicial: list[JudicialAidPublic]
    social: list[ProvisionPublic]
    totals: AidTotalsPublic
