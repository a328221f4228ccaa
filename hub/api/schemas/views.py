"""The projections' views: boxes, case files, aid, region statistics, watch lists."""

from __future__ import annotations

from typing import Any

from hub.api.schemas.base import Fields, Id, Public


class FreshnessPublic(Public):
    """How far behind the log a view is."""

    view: str
    version: int
    position: int
    log_position: int | None
    behind: int | None
    halted: Any


class BoxPublic(Public):
    """A page of an inbox or outbox, by due date; ``next_cursor`` asks for the next."""

    items: list[Fields]
    next_cursor: str | None
    freshness: FreshnessPublic


class CaseFileViewPublic(Public):
    """A case file from the view: steps, referrals and all aid given."""

    id: Id
    person_id: Id
    stage: str
    steps: list[Fields]
    referrals: list[Fields]
    aid: Fields
    freshness: FreshnessPublic


class AidViewPublic(Public):
    """A person's combined aid from the view, with totals by kind and provider."""

    person_id: Id
    judicial: list[Fields]
    social: list[Fields]
    totals: Fields
    freshness: FreshnessPublic


class RegionStatsPublic(Public):
    """A region and its sub-regions over a period."""

    region_code: str
    cases: Fields
    referrals: Fields
    amounts: Fields
    by_subregion: dict[str, Fields]
    freshness: FreshnessPublic


class DashboardPublic(Public):
    """A region's dashboard over a period, and the same per direct sub-region."""

    region: Fields
    as_of: str
    people_helped: int
    amounts: Fields
    cases: Fields
    referrals: Fields
    timing: Fields
    success: Fields
    overdue: Fields
    subregions: list[Fields]
    freshness: FreshnessPublic


class MechanismActivityPublic(Public):
    """A linkage mechanism's members, the referrals among them, how fast each answers."""

    id: Id
    name: str
    region_code: str
    lead_agency_id: Id
    signed_on: str
    as_of: str
    referrals: int
    members: list[Fields]
    freshness: FreshnessPublic


class FallThroughPublic(Public):
    """People with an open need and no live referral (可能脱节), with counts per agency and
    region; people by id only."""

    items: list[Fields]
    counts: Fields
    freshness: FreshnessPublic
    total: int | None = None  # with ``limit``: amber and red items in all, and this page's
    offset: int | None = None
    limit: int | None = None


class WatchListPublic(Public):
    """Referrals (``kind: referral``) and aid cases (``kind: case``: the decision and the
    notice to the applicant) near or past a deadline, with counts by level."""

    items: list[Fields]
    counts: Fields
    freshness: FreshnessPublic
