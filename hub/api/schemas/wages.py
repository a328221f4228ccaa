"""The official average wages (职工平均工资) that cap grants: loading and reading them."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StrictInt

from domain.values import EARLIEST_WAGE_YEAR, LATEST_WAGE_YEAR, MAX_ITEMS
from hub.api.schemas.base import Fen, Public, RegionCode, Strict, Text


class WageRowCreate(Strict):
    region_code: RegionCode
    year: Annotated[StrictInt, Field(ge=EARLIEST_WAGE_YEAR, le=LATEST_WAGE_YEAR)]
    monthly_wage_fen: Fen | None = None
    yearly_wage_fen: Fen | None = None
    source: Text = Field(description="the publication the figure is taken from")


class WagesLoad(Strict):
    rows: list[WageRowCreate] = Field(min_length=1, max_length=MAX_ITEMS)


class WagesLoaded(BaseModel):
    recorded: int
    revised: int
    unchanged: int


class WagePublic(Public):
    """An official average wage (职工平均工资) of a region and year, with its source."""

    region_code: str
    year: int
    monthly_wage_fen: int
    yearly_wage_fen: int | None
    source: str
