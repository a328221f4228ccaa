"""The FastAPI application: ``create_app(services)`` wires routes, errors and the services."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from eventsourcing.persistence import IntegrityError
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from hub import metrics
from hub.api import problems, responses
from hub.api.gate import Gate
from hub.api.observe import Observe
from hub.api.routes import (
    admin,
    audit,
    auth,
    cases,
    dashboards,
    feed,
    health,
    notifications,
    operations,
    persons,
    referrals,
    sign_in,
    users,
    views,
    wages,
)
from hub.bootstrap import Services
from hub.committer import Committer
from hub.console import app as console
from hub.eventlog.errors import LogUnavailable

DESCRIPTION = """
救助衔接转介平台 — the referral hub between procuratorates and the agencies that help crime
victims and families in hardship. Every agency authenticates with its own bearer token and
reads and changes only what it is party to. Every POST takes an `Idempotency-Key`. Errors are
RFC 9457 problem details whose `type` names the rule (`/problems/<rule>`). Money is integer
fen (分).
"""


class OrjsonResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError:
            # An integer beyond 64 bits, written to the log by an older hub, is still shown
            # as the log holds it rather than failing the whole read.
            return json.dumps(
                content, ensure_ascii=False, separators=(",", ":"), default=str
            ).encode()


def live_figures(services: Services) -> metrics.Figures:
    """What the API process exports at scrape time: the log, the views, the dead letters."""
    figures = metrics.log_figures(services.hub, services.views)
    if services.dead_letters is not None:
        waiting = len(services.dead_letters.list())
        figures.append(
            (
                "hub_dead_letters_waiting",
                "Agencies' replies that could not be applied",
                [({}, waiting)],
            )
        )
    figures += metrics.notification_figures(services.notify.counts())
    return figures


def create_app(services: Services) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        read_log = services.hub.read_log
        if read_log is not None:  # this process serves: it appends the reads in bursts
            read_log.start()
        yield
        # the server stops (SIGTERM ends the process right after): append the reads waiting
        if read_log is not None:
            await run_in_threadpool(read_log.flush_quietly)

    app = FastAPI(
        lifespan=lifespan,
        title="Referral hub",
        version="0.1.0",
        description=DESCRIPTION,
        default_response_class=OrjsonResponse,
        # the hub's own metrics (hub.metrics) and JSON log lines (hub.logs) observe requests;
        # FastAPI's OpenTelemetry hooks would look for providers on every request
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.services = services
    # commands' commits handed to the log's writer; commands on the loop unless a store they
    # touch beside the log is a database server
    app.state.committer = Committer(
        services.hub, on_loop=not (services.access.db.is_postgres or services.hub.keys.is_remote)
    )
    app.state.metrics_registry = metrics.process_registry(lambda: live_figures(services))
    # Middleware added last runs first: unexpected errors are caught around the gate too,
    # and every answer, the gate's too, is observed.
    app.add_middleware(
        Gate,
        identity=services.identity,
        oidc=services.oidc,
        max_body_bytes=services.settings.max_body_bytes,
    )
    problems.install(app)
    app.add_middleware(Observe)

    @app.exception_handler(IntegrityError)
    async def _conflict(request: Request, exc: IntegrityError) -> Response:
        return problems.Problem(
            409,
            "version-conflict",
            "Version conflict",
            "the record changed meanwhile; read it again and retry",
        ).response(request.url.path)

    @app.exception_handler(LogUnavailable)
    async def _unavailable(request: Request, exc: LogUnavailable) -> Response:
        return problems.Problem(
            503,
            "log-unavailable",
            "Event log unavailable",
            str(exc),
            headers={"Retry-After": str(exc.retry_after)},
        ).response(request.url.path)

    # the busiest first: routes are matched in order (POST /referrals, the agencies' feed);
    # no path of one module is matched by a route of another, so the order changes nothing else
    modules = (
        referrals,
        feed,
        health,
        auth,
        admin,
        users,
        persons,
        cases,
        views,
        dashboards,
        audit,
        operations,
        sign_in,
        wages,
        notifications,
    )
    for module in modules:
        # the routes themselves, not the router: FastAPI matches an included router's routes
        # through a lazily built context per request, ten times slower than a flat list
        # (110 µs against 10 µs to find POST /referrals among the hub's routes)
        app.router.routes.extend(module.router.routes)
    responses.document(app)
    console.mount(app, services)  # the officials' pages (hub/console), under /console
    return app
