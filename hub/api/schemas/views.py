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


class WatchListPublic(Public):
    """Referrals near or past their deadline, with counts by stage."""

    items: list[Fields]
    counts: Fields
    freshness: FreshnessPublic
