"""Request and response schemas, apart from the domain.

Requests: unknown fields are refused (422), and every bound (amounts, dates, text and list
lengths, counts) is one of ``domain.values``'s, so the OpenAPI document states what the domain
enforces.

Reads (``…Public``): one model per GET, naming the fields the read gives and their types
(strict: a value of another type is an error, never converted). A read is never narrowed by
its model: a field the model does not name passes as it is (``extra="allow"``), and the routes
answer with ``response_model_exclude_unset``, so a field the read leaves out stays out and one
it gives as ``null`` stays ``null``. What a person's read holds is :mod:`hub.privacy`'s to say,
not the model's. Identifiers, dates and times are strings, as the reads give them.
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
    """The person and the new consent; no version, which would tell an agency that only
    registered the person how much others recorded of her."""

    id: UUID
    consent_id: UUID


class PersonChanged(BaseModel):
    id: UUID


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


# Reads


class Public(BaseModel):
    """A read's answer: the fields named are documented and checked, any other passes as is."""

    model_config = ConfigDict(extra="allow", strict=True)


Id = Annotated[str, Field(json_schema_extra={"format": "uuid"})]
DateText = Annotated[str, Field(json_schema_extra={"format": "date"})]
TimeText = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Number = int | float
Fields = dict[str, Any]


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


class PersonPublic(Public):
    """A person (当事人) as far as the reader's part allows: the fields it may not read are
    absent or ``null`` (:mod:`hub.privacy`); an erased person reads ``{id, erased}``."""

    id: Id
    erased: bool | None = None
    name: str | None = None
    id_number: str | None = None
    contact: str | None = None
    health: str | None = None
    family: str | None = None
    has_consent: bool | None = None


class ConsentPublic(Public):
    """A consent to disclosure, as recorded, and whether it is live today."""

    live: bool


class ReferralPublic(Public):
    """A referral (转介) read from the log."""

    id: Id
    requester_id: Id
    recipient_id: Id
    direction: str
    person_id: Id
    case_id: Id | None
    reason: str
    services: list[str]
    due_on: DateText | None
    status: str
    consent: Any
    consent_id: Id | None
    basis_lost: bool
    legal_basis: str | None
    invoked_by: str | None
    requested_by: str | None
    outcome: Fields | None
    re_referral_of: Id | None
    re_referred_to: Id | None
    requested_at: TimeText
    version: int


class ProvisionPublic(Public):
    """What a completed referral provided, with the referral and the providing agency."""

    kind: str
    amount_fen: int | None
    provider: str
    referral_id: Id
    agency_id: Id


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


class FreshnessPublic(Public):
    """How far behind the log a view is."""

    view: str
    version: int
    position: int
    log_position: int | None
    behind: int | None
    halted: Any


class BoxPublic(Public):
    """A page of an inbox or outbox, by due date; ``next_cursor`` asks for the next."""

    items: list[Fields]
    next_cursor: str | None
    freshness: FreshnessPublic


class CaseFileViewPublic(Public):
    """A case file from the view: steps, referrals and all aid given."""

    id: Id
    person_id: Id
    stage: str
    steps: list[Fields]
    referrals: list[Fields]
    aid: Fields
    freshness: FreshnessPublic


class AidViewPublic(Public):
    """A person's combined aid from the view, with totals by kind and provider."""

    person_id: Id
    judicial: list[Fields]
    social: list[Fields]
    totals: Fields
    freshness: FreshnessPublic


class RegionStatsPublic(Public):
    """A region and its sub-regions over a period."""

    region_code: str
    cases: Fields
    referrals: Fields
    amounts: Fields
    by_subregion: dict[str, Fields]
    freshness: FreshnessPublic


class WatchListPublic(Public):
    """Referrals near or past their deadline, with counts by stage."""

    items: list[Fields]
    counts: Fields
    freshness: FreshnessPublic


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


class FeedPublic(Public):
    """An agency's records after a position, in log order; ``next`` is the cursor to pass on."""

    records: list[Fields]
    next: int


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


def dump(model: BaseModel | None) -> Any:
    return None if model is None else model.model_dump(mode="json")
