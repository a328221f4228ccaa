"""The schemas' shared parts: bounded field types, the strict request base, the read base."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from domain.values import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_AMOUNT_FEN,
    MAX_SHORT_TEXT,
    MAX_TEXT,
)

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=r"\S")]


ShortText = Annotated[str, Field(min_length=1, max_length=MAX_SHORT_TEXT, pattern=r"\S")]


OnBehalfOf = Annotated[
    str | None,
    Field(
        default=None,
        min_length=1,
        max_length=MAX_SHORT_TEXT,
        pattern=r"\S",
        description=(
            "optional note (代为办理): on whose behalf the signed-in official or the connector "
            "acts; never who acted, which comes from the credentials"
        ),
    ),
]


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
Backdate = Annotated[
    str | None,
    Field(
        default=None,
        min_length=1,
        max_length=MAX_TEXT,
        description="why the business date is earlier than today (补录原因); required then",
    ),
]


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


class Public(BaseModel):
    """A read's answer: the fields named are documented and checked, any other passes as is."""

    model_config = ConfigDict(extra="allow", strict=True)


Id = Annotated[str, Field(json_schema_extra={"format": "uuid"})]


DateText = Annotated[str, Field(json_schema_extra={"format": "date"})]


TimeText = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


Number = int | float


Fields = dict[str, Any]


def dump(model: BaseModel | None) -> Any:
    return None if model is None else model.model_dump(mode="json")
