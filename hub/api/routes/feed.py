"""An agency's feed over HTTP (the embedded default's agency topic): cursor and long-polling.

A long-poll (``wait``) waits on the event loop, not in a worker thread, so waiting feeds never
starve the other requests of threads. The log's head is read at most once per
``POLL_SECONDS`` for all waiters together, and each agency may hold at most
``HUB_FEED_WAITS_PER_AGENCY`` waits at once; one more is answered 429 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from domain.values import MAX_POSITION
from hub.api.deps import HubDep, Reader, own_agency
from hub.api.problems import Problem
from hub.api.schemas import FeedPublic
from hub.app import ReliefHub
from hub.feeds.routing import agency_feed

router = APIRouter(tags=["agency feed"])

POLL_SECONDS = 0.1


class FeedWaits:
    """The long-polls under way, per agency, and the log's head they all watch."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active: Counter[UUID] = Counter()
        self._lock = asyncio.Lock()
        self._head = 0
        self._read_at = float("-inf")

    @contextmanager
    def slot(self, agency_id: UUID) -> Iterator[None]:
        """One wait for ``agency_id``, or 429 if it holds as many as it may."""
        if self.active[agency_id] >= self.limit:
            raise Problem(
                429,
                "too-many-waits",
                "Too many waiting requests",
                f"this agency already has {self.limit} feed requests waiting",
                headers={"Retry-After": "1"},
            )
        self.active[agency_id] += 1
        try:
            yield
        finally:
            self.active[agency_id] -= 1

    async def head(self, hub: ReliefHub) -> int:
        """The log's last position, read anew at most once per ``POLL_SECONDS``."""
        async with self._lock:
            if time.monotonic() - self._read_at >= POLL_SECONDS:
                head = await run_in_threadpool(hub.recorder.max_notification_id)
                self._head = head or 0
                self._read_at = time.monotonic()
            return self._head


def feed_waits(request: Request) -> FeedWaits:
    state = request.app.state
    if getattr(state, "feed_waits", None) is None:
        state.feed_waits = FeedWaits(state.services.settings.feed_waits_per_agency)
    return state.feed_waits  # type: ignore[no-any-return]


@router.get(
    "/agencies/{agency_id}/feed", response_model=FeedPublic, response_model_exclude_unset=True
)
async def feed(
    request: Request,
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

    With ``wait``, an empty answer waits up to that many seconds for a new record (429 with
    ``Retry-After`` if the agency already has as many waits as it may).
    """
    own_agency(reader, agency_id, auditors=False)
    deadline = time.monotonic() + wait
    records, position = await run_in_threadpool(agency_feed, hub, agency_id, after, limit)
    if records or wait == 0:
        return {"records": records, "next": position}
    waits = feed_waits(request)
    # ``watermark``: the log position up to which there is nothing more for the agency
    # (events it is not sent, such as idempotency answers, may lie past its last record)
    watermark = position
    with waits.slot(agency_id):
        while True:
            seen = await waits.head(hub)
            while seen <= watermark and time.monotonic() < deadline:
                await asyncio.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
                seen = await waits.head(hub)
            before = position
            records, position = await run_in_threadpool(
                agency_feed, hub, agency_id, position, limit
            )
            if records or time.monotonic() >= deadline:
                return {"records": records, "next": position}
            watermark = position if position > before else max(watermark, seen)
