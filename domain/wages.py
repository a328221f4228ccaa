"""Official average wages (职工平均工资) by region and year: the basis of a grant's cap.

A grant is reckoned on the previous year's average monthly wage where the case is handled
(《人民检察院开展国家司法救助工作细则》). The figures are public statistics (for Xinjiang, those
published by 新疆维吾尔自治区统计局); the hub loads them as data (``hub wages load FILE``) into one
:class:`WageFigure` per region and year, each naming its source. A figure loaded again with
another amount or source is revised, never overwritten in silence: the log keeps both.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue
from domain.values import (
    EARLIEST_WAGE_YEAR,
    LATEST_WAGE_YEAR,
    MAX_SHORT_TEXT,
    check_count,
    check_fen,
    check_region_code,
    require_text,
)

WAGES = uuid5(NAMESPACE_URL, "urn:referral-hub:wage-figure")


def monthly_from_yearly(yearly_fen: int) -> int:
    """The average monthly wage of a yearly figure, in fen, rounded half up."""
    return (yearly_fen + 6) // 12


class WageFigure(Aggregate):
    """The average wage of one region in one year, and where the figure comes from."""

    class Recorded(Aggregate.Created):
        """A figure recorded: monthly in fen (and the yearly figure when that was published)."""

        region_code: str
        year: int
        monthly_wage_fen: int
        yearly_wage_fen: int | None
        source: str
        recorded_by: str

    class Revised(Aggregate.Event):
        """The figure or its source changed (a corrected publication)."""

        monthly_wage_fen: int
        yearly_wage_fen: int | None
        source: str
        recorded_by: str

    @staticmethod
    def id_for(region_code: str, year: int) -> UUID:
        return uuid5(WAGES, f"{region_code}:{year}")

    @staticmethod
    def create_id(region_code: str, year: int, **_: Any) -> UUID:
        return WageFigure.id_for(region_code, year)

    @classmethod
    def record(
        cls,
        *,
        region_code: str,
        year: int,
        monthly_wage_fen: int | None,
        yearly_wage_fen: int | None,
        source: str,
        recorded_by: str,
    ) -> WageFigure:
        monthly, yearly = _amounts(monthly_wage_fen, yearly_wage_fen)
        return cls(
            region_code=check_region_code(region_code),
            year=check_count(year, "year", low=EARLIEST_WAGE_YEAR, high=LATEST_WAGE_YEAR),
            monthly_wage_fen=monthly,
            yearly_wage_fen=yearly,
            source=require_text(source, "source"),
            recorded_by=require_text(recorded_by, "recorded by", limit=MAX_SHORT_TEXT),
        )

    @event(Recorded)
    def __init__(
        self,
        region_code: str,
        year: int,
        monthly_wage_fen: int,
        yearly_wage_fen: int | None,
        source: str,
        recorded_by: str,
    ) -> None:
        self.region_code = region_code
        self.year = year
        self.monthly_wage_fen = monthly_wage_fen
        self.yearly_wage_fen = yearly_wage_fen
        self.source = source

    def revise(
        self,
        *,
        monthly_wage_fen: int | None,
        yearly_wage_fen: int | None,
        source: str,
        recorded_by: str,
    ) -> bool:
        """Records a changed figure or source; ``False`` when nothing changed (a reload)."""
        monthly, yearly = _amounts(monthly_wage_fen, yearly_wage_fen)
        source = require_text(source, "source")
        if (monthly, yearly, source) == (self.monthly_wage_fen, self.yearly_wage_fen, self.source):
            return False
        self._revised(
            monthly, yearly, source, require_text(recorded_by, "recorded by", limit=MAX_SHORT_TEXT)
        )
        return True

    @event(Revised)
    def _revised(
        self, monthly_wage_fen: int, yearly_wage_fen: int | None, source: str, recorded_by: str
    ) -> None:
        self.monthly_wage_fen = monthly_wage_fen
        self.yearly_wage_fen = yearly_wage_fen
        self.source = source

    def as_dict(self) -> dict[str, Any]:
        return {
            "region_code": self.region_code,
            "year": self.year,
            "monthly_wage_fen": self.monthly_wage_fen,
            "yearly_wage_fen": self.yearly_wage_fen,
            "source": self.source,
        }


def _amounts(monthly: int | None, yearly: int | None) -> tuple[int, int | None]:
    if monthly is None and yearly is None:
        raise InvalidValue("a wage figure states the average monthly or yearly wage")
    if yearly is not None:
        check_fen(yearly, "yearly wage")
        derived = monthly_from_yearly(yearly)
        if monthly is not None and check_fen(monthly, "monthly wage") != derived:
            raise InvalidValue(
                f"monthly wage {monthly} fen is not the yearly {yearly} fen / 12 ({derived})"
            )
        return derived, yearly
    assert monthly is not None  # narrowed above
    return check_fen(monthly, "monthly wage"), None
