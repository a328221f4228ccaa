"""Referrals between agencies: making, answering and re-referring one; its reads and the feed."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import Field, StrictBool

from domain.values import (
    MAX_ITEMS,
    MAX_TEXT,
    ProvisionKind,
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
    ShortText,
    Strict,
    Text,
    TimeText,
)


class ReferralCreate(Strict):
    recipient_id: UUID
    person_id: UUID
    case_id: UUID | None = None
    reason: Text
    services: list[Service] = Field(min_length=1, max_length=MAX_ITEMS)
    on_behalf_of: OnBehalfOf = None
    legal_basis: Text | None = Field(
        default=None, description="without the person's consent: the legal basis invoked"
    )
    invoked_by: ShortText | None = None
    requested_on: Day | None = None
    found_on: Day | None = Field(
        default=None,
        description="the day the sender concluded the case or found the lead (5 working days)",
    )
    backdate_reason: Backdate = None
    answers_follow_up: Annotated[int, Field(ge=1, le=MAX_ITEMS * 1000)] | None = Field(
        default=None, description="the follow-up visit of the case whose need this answers"
    )
    answers_need: Service | None = Field(default=None, description="the need it answers")


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
    on_behalf_of: OnBehalfOf = None
    actor: ShortText | None = Field(
        default=None,
        json_schema_extra={"deprecated": True},
        description="connectors' note before on_behalf_of: accepted from a connector's token "
        "for one deprecation period and kept as on_behalf_of; refused from an official",
    )
    reason: Text | None = None
    outcome: Outcome | None = None


class ReReferralCreate(Strict):
    recipient_id: UUID
    reason: Text
    on_behalf_of: OnBehalfOf = None
    services: list[Service] | None = Field(default=None, max_length=MAX_ITEMS)


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
    on_behalf_of: str | None = None
    outcome: Fields | None
    re_referral_of: Id | None
    re_referred_to: Id | None
    answers_follow_up: int | None = None
    answers_need: str | None = None
    requested_at: TimeText
    requested_on: DateText | None = None
    found_on: DateText | None = None
    version: int


class ProvisionPublic(Public):
    """What a completed referral provided, with the referral and the providing agency."""

    kind: str
    amount_fen: int | None
    provider: str
    referral_id: Id
    agency_id: Id


class FeedPublic(Public):
    """An agency's records after a position, in log order; ``next`` is the cursor to pass on."""

    records: list[Fields]
    next: int
