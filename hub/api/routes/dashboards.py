"""Dashboards (领导驾驶舱): a region's figures over a period, as JSON or as a CSV or XLSX file,
and a linkage mechanism's activity; read from the dashboard view.

The period defaults to the 365 days up to today (China time). Who may read: as the
regional statistics, an agency its own region and those below it, auditors and
administrators every region; a mechanism's activity also its members.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response

from domain.values import EARLIEST_DATE, LATEST_DATE
from hub.access.tokens import Principal
from hub.api.deps import Reader, reading_agency, within_region
from hub.api.problems import Problem
from hub.api.routes.views import ServicesDep, answer
from hub.api.schemas import DashboardPublic, MechanismActivityPublic
from hub.bootstrap import Services
from hub.dashboards.export import to_csv, to_xlsx
from projections.dashboard_query import dashboard
from projections.mechanism_activity import mechanism_activity

router = APIRouter(tags=["views"])

RegionPath = Annotated[str, Path(pattern=r"^\d{2}(\d{2}){0,2}$")]
ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"  # only an ISO date: a number is not taken for a Unix time
From = Annotated[str | None, Query(alias="from", pattern=ISO_DAY, description="YYYY-MM-DD")]
To = Annotated[str | None, Query(alias="to", pattern=ISO_DAY, description="YYYY-MM-DD")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The dashboard's tables as a file",
        "content": {"text/csv": {}, XLSX: {}},
    }
}


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Problem(422, "validation", "Invalid request", f"not a date: {text}") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise Problem(
            422, "validation", "Invalid request", f"dates lie within {EARLIEST_DATE}..{LATEST_DATE}"
        )
    return day


def period(services: Services, date_from: str | None, date_to: str | None) -> tuple[date, date]:
    """The period asked for; by default the 365 days up to today."""
    to = _day(date_to) or services.hub.today()
    start = _day(date_from) or to - timedelta(days=364)
    if to < start:
        raise Problem(422, "validation", "Invalid request", "the period ends before it starts")
    return start, to


def read_dashboard(
    services: Services, reader: Principal, region_code: str, start: date, to: date
) -> dict[str, Any]:
    within_region(services.hub, reader, region_code)
    return answer(
        services,
        lambda head: dashboard(
            services.views,
            region_code,
            start,
            to,
            today=services.hub.today(),
            policy=services.sla_policy(),
            log_position=head,
        ),
    )


@router.get(
    "/views/dashboard/{region_code}",
    response_model=DashboardPublic,
    response_model_exclude_unset=True,
)
def region_dashboard(
    region_code: RegionPath,
    services: ServicesDep,
    reader: Reader,
    date_from: From = None,
    date_to: To = None,
) -> dict[str, Any]:
    """A region's dashboard: people helped, amounts by source and kind, referrals by status
    and recipient agency kind, time to first answer and to completion (median, p90), share
    completed successfully, overdue now, and the same per direct sub-region."""
    start, to = period(services, date_from, date_to)
    return read_dashboard(services, reader, region_code, start, to)


@router.get("/views/dashboard/{region_code}/export", responses=EXPORTS)
def export_dashboard(
    region_code: RegionPath,
    services: ServicesDep,
    reader: Reader,
    date_from: From = None,
    date_to: To = None,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
    lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh",
) -> Response:
    """The dashboard's tables (summary, by sub-region, amounts, referrals by status and by
    agency kind) as CSV or XLSX, headers in Chinese (``lang=en``: English), money in yuan."""
    start, to = period(services, date_from, date_to)
    board = read_dashboard(services, reader, region_code, start, to)
    name = f"dashboard-{region_code}-{start.isoformat()}-{to.isoformat()}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "xlsx":
        return Response(to_xlsx(board, lang), media_type=XLSX, headers=headers)
    return Response(to_csv(board, lang), media_type="text/csv; charset=utf-8", headers=headers)


@router.get(
    "/views/mechanisms/{mechanism_id}",
    response_model=MechanismActivityPublic,
    response_model_exclude_unset=True,
)
def mechanism_view(
    mechanism_id: UUID,
    services: ServicesDep,
    reader: Reader,
    date_from: From = None,
    date_to: To = None,
) -> Any:
    """A linkage mechanism's members, the referrals among them in the period, and how fast
    each member answers; for its members and for those who may read its region."""
    return read_mechanism(services, reader, mechanism_id, date_from, date_to)


def read_mechanism(
    services: Services,
    reader: Principal,
    mechanism_id: UUID,
    date_from: str | None,
    date_to: str | None,
) -> dict[str, Any]:
    """A mechanism's activity for ``reader`` (the console's page too): its members read it,
    others as far as they may read its region."""
    hub = services.hub
    mechanism = hub.get_mechanism(mechanism_id)
    members = {str(m["agency_id"]) for m in mechanism["members"]}
    agency = reading_agency(reader)
    if agency is None or str(agency) not in members:
        within_region(hub, reader, mechanism["region_code"])
    start, to = period(services, date_from, date_to)
    found = answer(
        services,
        lambda head: mechanism_activity(
            services.views,
            str(mechanism_id),
            start,
            to,
            today=hub.today(),
            policy=services.sla_policy(),
            log_position=head,
        ),
    )
    if found is None:
        raise Problem(404, "not-found", "Not found", "not found (or not in the view yet)")
    return found
