"""Views from the projections: inbox and outbox, case file, combined aid, statistics, SLA,
and who may fall through between agencies.

Each answer carries ``freshness``: the view's position and the log's, and how far behind the
log the view is. A view not built yet answers 503 with ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from domain.values import Service
from hub.access.tokens import Principal
from hub.api.deps import (
    HubDep,
    Reader,
    aid_part,
    may_read,
    own_agency,
    reading_agency,
    within_region,
)
from hub.api.problems import Problem
from hub.api.schemas import (
    AidViewPublic,
    BoxPublic,
    CaseFileViewPublic,
    Day,
    FallThroughPublic,
    RegionStatsPublic,
    WatchListPublic,
)
from hub.bootstrap import Services
from projections import (
    case_files,
    fall_through,
    person_aid,
    referrals,
    region_stats,
    sla,
    sla_board,
)

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


class BoxQuery:
    """The filters and page of an inbox or outbox request."""

    def __init__(
        self,
        status: Annotated[list[str] | None, Query()] = None,
        direction: Annotated[str | None, Query(pattern="^(inbound|outbound|lateral)$")] = None,
        case_id: UUID | None = None,
        service: Service | None = None,
        overdue: bool | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, Query(max_length=500)] = None,
    ) -> None:
        self.filters = referrals.ReferralFilters(
            status=status,
            direction=direction,
            case_id=str(case_id) if case_id else None,
            service=service.value if service else None,
            overdue=overdue,
            limit=limit,
            cursor=cursor,
        )


BoxQueryDep = Annotated[BoxQuery, Depends()]


def read_box(
    page: Callable[..., dict[str, Any]],
    agency_id: UUID,
    services: Services,
    reader: Principal,
    query: BoxQuery,
) -> dict[str, Any]:
    """An agency's inbox or outbox page for ``reader`` (the console's too)."""
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


@router.get(
    "/agencies/{agency_id}/inbox", response_model=BoxPublic, response_model_exclude_unset=True
)
def inbox(
    agency_id: UUID, services: ServicesDep, reader: Reader, query: BoxQueryDep
) -> dict[str, Any]:
    """Referrals to the agency, by due date, with days overdue; cursor pagination."""
    return read_box(referrals.inbox, agency_id, services, reader, query)


@router.get(
    "/agencies/{agency_id}/outbox", response_model=BoxPublic, response_model_exclude_unset=True
)
def outbox(
    agency_id: UUID, services: ServicesDep, reader: Reader, query: BoxQueryDep
) -> dict[str, Any]:
    """Referrals from the agency, by due date, with days overdue; cursor pagination."""
    return read_box(referrals.outbox, agency_id, services, reader, query)


@router.get(
    "/views/cases/{case_id}", response_model=CaseFileViewPublic, response_model_exclude_unset=True
)
def case_file_view(case_id: UUID, services: ServicesDep, hub: HubDep, reader: Reader) -> Any:
    """The case file from the view: steps, referrals and all aid given."""
    may_read(reader, hub.case_parties(case_id))
    found = answer(
        services, lambda head: case_files.case_file(services.views, str(case_id), log_position=head)
    )
    if found is None:
        raise Problem(404, "not-found", "Not found", "not found (or not in the view yet)")
    return found


@router.get(
    "/views/persons/{person_id}/aid",
    response_model=AidViewPublic,
    response_model_exclude_unset=True,
)
def person_aid_view(person_id: UUID, services: ServicesDep, hub: HubDep, reader: Reader) -> Any:
    """A person's combined aid from the view: judicial plus social, totals by kind and provider."""
    part = aid_part(hub, person_id, reader)
    return answer(
        services,
        lambda head: person_aid.person_aid(
            services.views, str(person_id), part=part, log_position=head
        ),
    )


@router.get(
    "/statistics/regions/{region_code}",
    response_model=RegionStatsPublic,
    response_model_exclude_unset=True,
)
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
    within_region(services.hub, reader, region_code)
    return answer(
        services,
        lambda head: region_stats.region_stats(
            services.views, region_code, date_from, date_to, log_position=head
        ),
    )


@router.get("/sla/watch-list", response_model=WatchListPublic, response_model_exclude_unset=True)
def watch_list(
    services: ServicesDep,
    reader: Reader,
    region_code: Annotated[str | None, Query(pattern=r"^\d{2}(\d{2}){0,2}$")] = None,
    agency_id: UUID | None = None,
    include_green: bool = False,
    limit: Annotated[int | None, Query(ge=1, le=sla_board.MAX_PAGE)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Referrals unanswered or unfinished, and aid cases undecided or the applicant not told,
    near or past their deadline (amber, red), with the escalation target. An agency sees its
    own region's; auditors every region's. With ``limit``: items ``offset`` to ``offset +
    limit`` of the list, with the counts and ``total`` of all of it."""
    agency = reading_agency(reader)
    if agency is not None and not region_code:
        region_code = services.hub.get_agency(agency)["region_code"]
    if region_code:
        within_region(services.hub, reader, region_code)
    if limit is not None and not include_green:
        return read_watch_page(services, region_code, agency_id, limit, offset)
    found = answer(
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
    if limit is not None:  # green too: a slice of the whole list
        total = len(found["items"])
        found.update(items=found["items"][offset : offset + limit], total=total)
        found.update(offset=offset, limit=limit)
    return found


def read_watch_page(
    services: Services, region_code: str | None, agency_id: UUID | None, limit: int, offset: int
) -> dict[str, Any]:
    """A page of the SLA watch list of a region the caller may read (the console's too), with
    the counts of all of it (:func:`projections.sla_board.watch_page`)."""
    return answer(
        services,
        lambda head: sla_board.watch_page(
            services.views,
            today=services.hub.today(),
            policy=services.sla_policy(),
            region_code=region_code,
            agency_id=str(agency_id) if agency_id else None,
            limit=limit,
            offset=offset,
            log_position=head,
        ),
    )


@router.get(
    "/views/may-fall-through", response_model=FallThroughPublic, response_model_exclude_unset=True
)
def may_fall_through(
    services: ServicesDep,
    reader: Reader,
    region_code: Annotated[str | None, Query(pattern=r"^\d{2}(\d{2}){0,2}$")] = None,
    agency_id: UUID | None = None,
) -> dict[str, Any]:
    """People with an open need and no live referral (可能脱节), with the needs and the
    agencies that own them, counted per agency and region. An agency sees the needs it owns
    (it must act on them); auditors and administrators any region's and any agency's."""
    agency = reading_agency(reader)
    if agency is not None:
        if agency_id is not None and agency_id != agency:
            raise Problem(403, "forbidden", "Forbidden", "an agency reads the needs it owns")
        agency_id = agency
    if region_code:
        within_region(services.hub, reader, region_code)
    return answer(
        services,
        lambda head: fall_through.may_fall_through(
            services.views,
            region_code=region_code,
            agency_id=str(agency_id) if agency_id else None,
            log_position=head,
        ),
    )
