"""An agency's feed over HTTP (the embedded default's agency topic): cursor and long-polling."""

from __future__ import annotations

import time
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from domain.values import MAX_POSITION
from hub.access import Role
from hub.api.deps import HubDep, Reader
from hub.api.problems import Problem
from hub.routing import agency_feed

router = APIRouter(tags=["agency feed"])

POLL_SECONDS = 0.1


@router.get("/agencies/{agency_id}/feed")
def feed(
    agency_id: UUID,
    hub: HubDep,
    reader: Reader,
    after: Annotated[
        int, Query(ge=0, le=MAX_POSITION, description="the last position already handled")
    ] = 0,
    wait: Annotated[float, Query(ge=0, le=30, description="seconds to wait for news")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """The agency's records after ``after``, in log order; ``next`` is the cursor to pass on.

    With ``wait``, an empty answer waits up to that many seconds for a new record.
    """
    if reader.role != Role.ADMIN and reader.agency_id != agency_id:
        raise Problem(404, "not-found", "Not found", "not found")
    deadline = time.monotonic() + wait
    position = after
    while True:
        records, position = agency_feed(hub, agency_id, position, limit)
        if records or time.monotonic() >= deadline:
            return {"records": records, "next": position}
        seen = hub.recorder.max_notification_id() or 0
        while seen <= position and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            seen = hub.recorder.max_notification_id() or 0
