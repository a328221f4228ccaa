"""Whether the hub is up: for anyone, only that; for an administrator, positions and lags too.

Without a token the answer says up or not and nothing else, so it cannot tell a caller
whether something it did appended to the log (a known ID number registers without appending).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from hub.access.tokens import Principal, Role
from hub.api.gate import resolve_bearer
from hub.api.problems import Problem
from hub.api.schemas import HealthPublic
from projections import worker

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=HealthPublic, response_model_exclude_unset=True)
async def health(request: Request) -> dict[str, Any]:
    """``{"status": "ok"}`` while the log answers (else 503). With an administrator's bearer
    token (optional: the route needs none), also the log's position and each view's position
    and lag."""
    services = request.app.state.services
    try:
        position = await run_in_threadpool(services.hub.recorder.max_notification_id)
    except Exception:
        raise Problem(503, "unavailable", "Unavailable", "the log does not answer") from None
    answer: dict[str, Any] = {"status": "ok"}
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return answer
    principal = await resolve_bearer(services.identity, services.oidc, token.strip())
    if isinstance(principal, Principal) and principal.role == Role.ADMIN:
        answer["log_position"] = position or 0
        answer["views"] = await run_in_threadpool(worker.status, services.hub, services.views)
        waits = getattr(request.app.state, "feed_waits", None)
        answer["feed_waits"] = sum(waits.active.values()) if waits is not None else 0
    return answer
