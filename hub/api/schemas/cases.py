"""Aid cases: each step of the procedure, and a case's reads (file, aid, history)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StrictBool, StrictInt

from domain.values import (
    EARLIEST_WAGE_YEAR,
    LATEST_WAGE_YEAR,
    MAX_ITEMS,
    MAX_MATTER_NUMBER,
    MAX_MONTHS,
    AdvanceGround,
    ApplicantRelation,
    CaseCategory,
    CaseSource,
    QualifyingSituation,
    RefusalGround,
    Service,
)
from hub.api.schemas.base import (
    Backdate,
    DateText,
    Day,
    Fen,
    Fields,
    Id,
    OnBehalfOf,
    Public,
    RegionCode,
    ShortText,
    Strict,
    Text,
    TimeText,
)
from hub.api.schemas.referrals import ProvisionPublic, ReferralPublic

MatterNumber = Annotated[
    str, Field(min_length=1, max_length=MAX_MATTER_NUMBER, pattern=r"\S", description="案号")
]


class CaseCreate(Strict):
    person_id: UUID
    source: CaseSource
    summary: Text
    received_on: Day | None = None
    referral_id: UUID | None = None
    on_behalf_of: OnBehalfOf = None
    matter_number: MatterNumber | None = None
    applicant_relation: ApplicantRelation | None = None
    backdate_reason: Backdate = None


class MatterCreate(Strict):
    matter_number: MatterNumber


class InquiryCreate(Strict):
    on_behalf_of: OnBehalfOf = None
    notes: Text
    held_on: Day | None = None
    applicant_relation: ApplicantRelation | None = None
    backdate_reason: Backdate = None


class ReviewCreate(Strict):
    situation: QualifyingSituation | None = None
    refusal_ground: RefusalGround | None = None
    notes: Text
    reviewed_on: Day | None = None
    backdate_reason: Backdate = None


class HearingOfficer(Strict):
    name: ShortText
    role: ShortText
    view: Text


class HearingCreate(Strict):
    officers: list[HearingOfficer] = Field(min_length=1, max_length=MAX_ITEMS)
    held_on: Day | None = None
    fewer_officers_reason: Text | None = None
    backdate_reason: Backdate = None


class SubmissionCreate(Strict):
    """Proposed by the signed-in case officer making the request (never named in the body)."""

    proposed_fen: Fen
    submitted_on: Day | None = None
    backdate_reason: Backdate = None


class AdvanceCreate(Strict):
    amount_fen: Fen
    ground: AdvanceGround
    detail: Text
    paid_on: Day | None = None
    backdate_reason: Backdate = None


class MeetingCreate(Strict):
    """The chief procurator's meeting (检察长办公会) or the strict review (严格审查)."""

    meeting: Literal["chief-procurator-meeting", "strict-review"]
    attendee_ids: list[UUID] = Field(min_length=1, max_length=MAX_ITEMS)
    decision: Literal["approved", "refused"]
    notes: Text | None = None
    held_on: Day | None = None
    backdate_reason: Backdate = None


class ApprovalCreate(Strict):
    """The signed-in department head or chief procurator approves, or refuses with a reason."""

    approved: StrictBool
    reason: ShortText | None = None
    decided_on: Day | None = None
    backdate_reason: Backdate = None


class GrantCreate(Strict):
    amount_fen: Fen
    region_code: RegionCode = Field(description="whose official average wage caps the grant")
    wage_year: Annotated[StrictInt, Field(ge=EARLIEST_WAGE_YEAR, le=LATEST_WAGE_YEAR)]
    months: Annotated[StrictInt, Field(ge=1, le=MAX_MONTHS)] = 36
    strict_review: StrictBool = False
    decided_on: Day | None = None
    damages_fen: Fen | None = Field(default=None, description="damages awarded, where recorded")
    matter_exception: Text | None = Field(
        default=None, description="why a further relief on the same matter is allowed"
    )
    backdate_reason: Backdate = None


class RefusalCreate(Strict):
    ground: RefusalGround
    detail: Text
    decided_on: Day | None = None
    backdate_reason: Backdate = None


class FundsArrivalCreate(Strict):
    arrived_on: Day | None = None
    backdate_reason: Backdate = None


class NoticeCreate(Strict):
    means: ShortText = Field(description="how the applicant was told: phone, letter, in person")
    notified_on: Day | None = None
    backdate_reason: Backdate = None


class DisbursementCreate(Strict):
    amount_fen: Fen
    ceremony: ShortText | None = None
    paid_on: Day | None = None
    backdate_reason: Backdate = None


class FollowUpCreate(Strict):
    on_behalf_of: OnBehalfOf = None
    notes: Text
    new_needs: list[Service] = Field(default=[], max_length=MAX_ITEMS)
    visited_on: Day | None = None
    backdate_reason: Backdate = None
    next_visit_on: Day | None = Field(default=None, description="下次回访日期")


class ClassificationCreate(Strict):
    category: CaseCategory = Field(description="案件类别, e.g. criminal-hardship (刑事特困)")
    mechanism_id: UUID | None = Field(
        default=None, description="the linkage mechanism the case is handled under"
    )


class ClosureCreate(Strict):
    reason: Text
    closed_on: Day | None = None
    backdate_reason: Backdate = None
    without_referral: Text | None = Field(
        default=None,
        description="refused for hardship not caused by the case and not referred on: why not",
    )


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
    on_behalf_of: str | None = None
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
    next_visit_on: DateText | None = None
    without_referral: str | None = None
    category: str | None = None
    mechanism_id: Id | None = None
    version: int
    matter_number: str | None = None
    applicant_relation: str | None = None
    received_on: DateText | None = None
    decided_on: DateText | None = None
    advanced_fen: int = 0
    advance_excess_fen: int = 0
    funds_arrived_on: DateText | None = None
    notified_on: DateText | None = None
    referrals: list[ReferralPublic]
    social_aid: list[ProvisionPublic]


class CaseListItemPublic(Public):
    """A case in a procuratorate's list: its summary, when received, who handled it and when
    its decision is due (None once decided)."""

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
    next_visit_on: DateText | None = None
    without_referral: str | None = None
    version: int
    received_on: DateText
    officers: list[str]
    decision_due_on: DateText | None


class CaseListPublic(Public):
    """A page of cases; ``next_cursor`` asks for the next (None: the last page)."""

    items: list[CaseListItemPublic]
    next_cursor: str | None


class JudicialAidPublic(Public):
    case_id: Id
    granted_fen: int
    disbursed_fen: int


class AidTotalsPublic(Public):
    """Aid is judicial relief paid plus grants and donations; loans and in-kind help are
    listed apart; ``adds_up`` says what each total adds up."""

    judicial_granted_fen: int
    judicial_disbursed_fen: int
    aid_fen: int
    all_amount_fen: int
    social_aid_fen: int
    social_amount_fen: int
    loans_fen: int
    in_kind_fen: int
    adds_up: dict[str, str]
    social_by_kind_fen: dict[str, int]
    social_by_provider_fen: dict[str, int]


class AidPublic(Public):
    """A person's combined aid (救助): judicial relief plus every social assistance."""

    person_id: Id
    judicial: list[JudicialAidPublic]
    social: list[ProvisionPublic]
    totals: AidTotalsPublic
