"""Persons and their consents: what is recorded, and what a person's read gives."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StrictBool

from domain.values import (
    MAX_ITEMS,
    AgencyKind,
    Service,
)
from hub.api.schemas.base import Day, Id, OnBehalfOf, Public, ShortText, Strict, Text


class PersonFind(Strict):
    """A look-up by ID number (in the body, never in a URL that servers log)."""

    id_number: Annotated[str, Field(pattern=r"^[0-9]{17}[0-9Xx]$", description="身份证号")]


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
    on_behalf_of: OnBehalfOf = None


class ConsentRecorded(BaseModel):
    """The person and the new consent; no version, which would tell an agency that only
    registered the person how much others recorded of her."""

    id: UUID
    consent_id: UUID


class PersonChanged(BaseModel):
    id: UUID


class ConsentWithdraw(Strict):
    on_behalf_of: OnBehalfOf = None
    reason: Text
    consent_id: UUID | None = Field(
        default=None, description="the consent; without it, every live one the caller sees"
    )


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
