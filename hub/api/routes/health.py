"""Whether the hub is up and ready: for anyone, only that; for an administrator, figures too.

Without a token the answers say up or not (and which check fails) and nothing else, so they
cannot tell a caller whether something it did appended to the log (a known ID number
registers without appending). ``/health/live`` answers while the process runs;
``/health/ready`` while it can take commands (:mod:`hub.readiness`). ``/metrics`` is the
Prometheus exposition, for administrators only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from hub import metrics, readiness
from hub.access.tokens import Principal, Role
from hub.api.deps import Admin
from hub.api.gate import resolve_bearer
from hub.api.problems import Problem
from hub.api.schemas import HealthPublic, ReadinessPublic
from projections import worker

router = APIRouter(tags=["operations"])


async def is_admin(request: Request) -> bool:
    """Whether the optional bearer token is an administrator's (the route needs none)."""
    services = request.app.state.services
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    principal = await resolve_bearer(services.identity, services.oidc, token.strip())
    return isinstance(principal, Principal) and principal.role == Role.ADMIN


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
    if await is_admin(request):
        answer["log_position"] = position or 0
        answer["views"] = await run_in_threadpool(worker.status, services.hub, services.views)
        waits = getattr(request.app.state, "feed_waits", None)
        answer["feed_waits"] = sum(waits.active.values()) if waits is not None else 0
    return answer


@router.get("/health/live", response_model=HealthPublic, response_model_exclude_unset=True)
async def live() -> dict[str, Any]:
    """``{"status": "live"}`` while the process answers at all (for restarts, not traffic)."""
    return {"status": "live"}


@router.get(
    "/health/ready",
    response_model=ReadinessPublic,
    response_model_exclude_unset=True,
    responses={503: {"description": "not ready: the log, its writer or the views"}},
)
async def ready(request: Request) -> Any:
    """``{"status": "ready"}`` when the log answers, this process's writer is not fenced and
    every view is within ``HUB_READY_MAX_LAG`` events of the log; else 503 naming the failing
    checks (``log``, ``writer``, ``views``). An administrator also gets the figures."""
    services = request.app.state.services
    state = await run_in_threadpool(
        readiness.check, services.hub, services.views, services.settings.ready_max_lag
    )
    if not state.ready:
        raise Problem(
            503,
            "not-ready",
            "Not ready",
            f"failing: {', '.join(state.failing)}",
            headers={"Retry-After": "5"},
        )
    answer: dict[str, Any] = {"status": "ready"}
    if await is_admin(request):
        answer["log_position"] = state.log_position
        answer["writer"] = state.writer
        answer["views"] = state.views
    return answer


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def prometheus(request: Request, _: Admin) -> Response:
    """The Prometheus exposition of this process (administrators only; a separate listener
    without a token is ``HUB_METRICS_PORT``)."""
    registry = request.app.state.metrics_registry
    body = await run_in_threadpool(metrics.exposition, registry)
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
