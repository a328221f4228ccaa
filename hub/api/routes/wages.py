"""The official average wages (职工平均工资) grants are capped by: loaded by an administrator,
read by anyone with a token (public statistics, no personal data)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from hub.api.deps import Admin, HubDep, OnceDep, Reader
from hub.api.schemas import RegionCode, WagePublic, WagesLoad, WagesLoaded
from hub.wage_tables import WageRow

router = APIRouter(prefix="/wages", tags=["average wages"])


@router.post("", response_model=WagesLoaded)
def load_wages(body: WagesLoad, hub: HubDep, admin: Admin, once: OnceDep) -> Any:
    """Records figures (new, revised or unchanged), all or none."""
    rows = [
        WageRow(
            line=n,
            region_code=r.region_code,
            year=r.year,
            monthly_wage_fen=r.monthly_wage_fen,
            yearly_wage_fen=r.yearly_wage_fen,
            source=r.source,
        )
        for n, r in enumerate(body.rows, start=1)
    ]
    return once(lambda: hub.load_wages(rows, admin.label))


@router.get("/{region_code}/{year}", response_model=WagePublic)
def get_wage(region_code: RegionCode, year: int, hub: HubDep, _: Reader) -> dict[str, Any]:
    return hub.get_wage(region_code, year)
