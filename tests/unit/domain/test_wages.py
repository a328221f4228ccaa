"""The official average-wage table: one figure per region and year, with its source."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.values import MAX_AMOUNT_FEN
from domain.wages import WageFigure, monthly_from_yearly
from tests.unit.domain.support import assert_rebuilds

SOURCE = "新疆维吾尔自治区统计局，2022-06-17 发布"


def figure(**change: object) -> WageFigure:
    fields: dict[str, object] = {
        "region_code": "65",
        "year": 2021,
        "monthly_wage_fen": None,
        "yearly_wage_fen": 9_428_100,
        "source": SOURCE,
        "recorded_by": "管理员",
    }
    fields.update(change)
    return WageFigure.record(**fields)  # type: ignore[arg-type]


def test_a_yearly_figure_gives_the_monthly_one() -> None:
    wage = figure()
    assert (wage.monthly_wage_fen, wage.yearly_wage_fen) == (785_675, 9_428_100)
    assert wage.id == WageFigure.id_for("65", 2021)
    assert_rebuilds(wage)


@given(st.integers(min_value=1, max_value=MAX_AMOUNT_FEN))
def test_the_monthly_wage_is_the_yearly_over_twelve_rounded(yearly: int) -> None:
    monthly = monthly_from_yearly(yearly)
    assert abs(monthly * 12 - yearly) <= 6


def test_a_figure_states_an_amount_a_region_a_year_and_a_source() -> None:
    for change in (
        {"yearly_wage_fen": None},
        {"region_code": "xj"},
        {"year": 1800},
        {"source": " "},
        {"monthly_wage_fen": 1, "yearly_wage_fen": 9_428_100},
    ):
        with pytest.raises(InvalidValue):
            figure(**change)


def test_a_reload_changes_nothing_and_a_correction_is_a_revision() -> None:
    wage = figure()
    assert not wage.revise(
        monthly_wage_fen=None, yearly_wage_fen=9_428_100, source=SOURCE, recorded_by="管理员"
    )
    assert wage.revise(
        monthly_wage_fen=800_000, yearly_wage_fen=None, source="更正", recorded_by="管理员"
    )
    events = assert_rebuilds(wage)
    assert [type(e).__name__ for e in events] == ["Recorded", "Revised"]
    assert (wage.monthly_wage_fen, wage.source) == (800_000, "更正")
