"""Views from the projections: inbox and outbox, case file, combined aid, statistics, SLA.

Each answer carries ``freshness``: the view's position and the log's, and how far behind the
log the view is. A view not built yet answers 503 with ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from domain.values import region_contains
from hub.access import Principal, Role
from hub.api.deps import HubDep, Reader, may_read
from hub.api.problems import Problem
from hub.api.routes.persons import aid_part
from hub.api.schemas import Day
from hub.bootstrap import Services
from projections import case_files, person_aid, referrals, region_stats, sla

router = APIRouter(tags=["views"])
T = TypeVar("T")


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]


def answer(services: Services, query: Callable[[int], T]) -> T:
    """Runs a view query with the log's position; a view not built yet is a 503."""
    try:
        return query(services.hub.recorder.max_notification_id() or 0)
    except LookupError as e:
        raise Problem(
            503, "view-not-built", "View not built yet", str(e), headers={"Retry-After": "5"}
        ) from None


def own_agency(reader: Principal, agency_id: UUID) -> None:
    if reader.role not in (Role.AUDITOR, Role.ADMIN) and reader.agency_id != agency_id:
        raise Problem(404, "not-found", "Not found", "not found")


def within_region(services: Services, reader: Principal, region_code: str) -> None:
    """Auditors and administrators see every region; an agency its own and those below it."""
    if reader.role in (Role.AUDITOR, Role.ADMIN):
        return
    assert reader.agency_id is not None
    own = services.hub.get_agency(reader.agency_id)["region_code"]
    if not region_contains(own, region_code):
        raise Problem(403, "forbidden", "Forbidden", "that region is outside your agency's")


class BoxQuery:
    """The filters and page of an inbox or outbox request."""

    def __init__(
        self,
        status: Annotated[list[str] | None, Query()] = None,
        direction: Annotated[str | None, Query(pattern="^(inbound|outbound|lateral)$")] = None,
        case_id: UUID | None = None,
        overdue: bool | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
    ) -> None:
        self.filters = referrals.ReferralFilters(
            status=status,
            direction=direction,
            case_id=str(case_id) if case_id else None,
            overdue=overdue,
            limit=limit,
            cursor=cursor,
        )


BoxQueryDep = Annotated[BoxQuery, Depends()]


def _box(
    page: Callable[..., dict[str, Any]],
    agency_id: UUID,
    services: Services,
    reader: Principal,
    query: BoxQuery,
) -> dict[str, Any]:
    own_agency(reader, agency_id)
    try:
        return answer(
            services,
            lambda head: page(
                services.views,
                str(agency_id),
                services.hub.today(),
                query.filters,
                policy=services.sla_policy(),
                log_position=head,
            ),
        )
    except ValueError as e:  # a cursor that is not one of ours
        raise Problem(422, "validation", "Invalid request", str(e)) from None


@router.get("/agencies/{agency_id}/inbox")
def inbox(
    agency_id: UUID, services: ServicesDep, reader: Reader, query: BoxQueryDep
) -> dict[str, Any]:
    """Referrals to the agency, by due date, with days overdue; cursor pagination."""
    return _box(referrals.inbox, agency_id, services, reader, query)


@router.get("/agencies/{agency_id}/outbox")
def outbox(
    agency_id: UUID, services: ServicesDep, reader: Reader, query: BoxQueryDep
) -> dict[str, Any]:
    """Referrals from the agency, by due date, with days overdue; cursor pagination."""
    return _box(referrals.outbox, agency_id, services, reader, query)


@router.get("/views/cases/{case_id}")
def case_file_view(case_id: UUID, services: ServicesDep, hub: HubDep, reader: Reader) -> Any:
    """The case file from the view: steps, referrals and all aid given."""
    may_read(reader, hub.case_parties(case_id))
    found = answer(
        services, lambda head: case_files.case_file(services.views, str(case_id), log_position=head)
    )
    if found is None:
        raise Problem(404, "not-found", "Not found", "not found (or not in the view yet)")
    return found


@router.get("/views/persons/{person_id}/aid")
def person_aid_view(person_id: UUID, services: ServicesDep, hub: HubDep, reader: Reader) -> Any:
    """A person's combined aid from the view: judicial plus social, totals by kind and provider."""
    part = aid_part(hub, person_id, reader)
    return answer(
        services,
        lambda head: person_aid.person_aid(
            services.views, str(person_id), part=part, log_position=head
        ),
    )


@router.get("/statistics/regions/{region_code}")
def statistics(
    region_code: str,
    services: ServicesDep,
    reader: Reader,
    date_from: Annotated[Day, Query(alias="from")],
    date_to: Annotated[Day, Query(alias="to")],
) -> dict[str, Any]:
    """A region and its sub-regions over a period: stages, directions, rates, times, amounts."""
    if not (region_code.isdigit() and len(region_code) in (2, 4, 6)):
        raise Problem(422, "validation", "Invalid request", "region code: 2, 4 or 6 digits")
    if date_to < date_from:
        raise Problem(422, "validation", "Invalid request", "the period ends before it starts")
    within_region(services, reader, region_code)
    return answer(
        services,
        lambda head: region_stats.region_stats(
            services.views, region_code, date_from, date_to, log_position=head
        ),
    )


@router.get("/sla/watch-list")
def watch_list(
    services: ServicesDep,
    reader: Reader,
    region_code: Annotated[str | None, Query(pattern=r"^\d{2}(\d{2}){0,2}$")] = None,
    agency_id: UUID | None = None,
    include_green: bool = False,
) -> dict[str, Any]:
    """Referrals unanswered or unfinished near or past their deadline (amber, red), with the
    escalation target. An agency sees its own region's; auditors every region's."""
    if reader.role not in (Role.AUDITOR, Role.ADMIN):
        assert reader.agency_id is not None
        own = services.hub.get_agency(reader.agency_id)["region_code"]
        region_code = region_code or own
    if region_code:
        within_region(services, reader, region_code)
    return answer(
        services,
        lambda head: sla.watch_list(
            services.views,
            today=services.hub.today(),
            policy=services.sla_policy(),
            region_code=region_code,
            agency_id=str(agency_id) if agency_id else None,
            include_green=include_green,
            log_position=head,
        ),
    )
