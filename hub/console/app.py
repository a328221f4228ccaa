"""The console's application: pages, static files, security headers, error pages.

:func:`mount` is what the API's ``create_app`` calls: it mounts the console under
:data:`~hub.console.security.PREFIX` and sends ``/`` there. :data:`PAGES` lists the page
modules; each has a ``router`` (its routes, below the prefix) and ``NAV`` (its entries).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from domain.errors import NotFound
from hub.api.problems import Problem
from hub.bootstrap import Services
from hub.console import labels, nav
from hub.console.pages import (
    audit,
    cases,
    dashboards,
    notifications,
    referral_form,
    sign_in,
    work,
)
from hub.console.render import Pages
from hub.console.security import PREFIX, SecurityHeaders, csrf_key
from hub.console.session import CsrfRefused, SignInRequired, sign_in_url

STATIC = Path(__file__).parent / "static"

#: the console's areas, in no particular order (the nav sorts itself)
PAGES: tuple[ModuleType, ...] = (
    sign_in,
    work,
    referral_form,
    cases,
    audit,
    notifications,
    dashboards,
)
LABELS = labels  # the domain's names, registered in the catalogue on import


def create_console(services: Services) -> FastAPI:
    console = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    items: list[nav.NavItem] = [item for module in PAGES for item in getattr(module, "NAV", [])]
    pages = Pages(items, notifications.unread_of)
    console.state.services = services
    console.state.pages = pages
    console.state.csrf_key = csrf_key(services.settings.secret("cipher_key"))
    console.state.https = services.settings.console_https
    console.add_middleware(SecurityHeaders)
    console.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in PAGES:
        console.include_router(module.router)

    def error_page(request: Request, kind: str, status: int, detail: str = "") -> Response:
        return pages.render(request, "error.html", status, kind=kind, detail=detail)

    @console.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(sign_in_url(exc.next_path), status_code=303)

    @console.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        return error_page(request, "csrf", 403)

    @console.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        if exc.status == 404:
            return error_page(request, "not_found", 404)
        if exc.status == 403:
            return error_page(request, "forbidden", 403)
        return error_page(request, "other", exc.status, exc.rule)

    @console.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return error_page(request, "not_found", 404)

    @console.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # a malformed id in a path reads as an unknown one; a malformed form as what it is
        if any(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
            return error_page(request, "not_found", 404)
        return error_page(request, "other", 422, "validation")

    @console.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        kind = {404: "not_found", 403: "forbidden"}.get(exc.status_code, "other")
        return error_page(request, kind, exc.status_code)

    return console


def mount(app: FastAPI, services: Services) -> None:
    """Serves the console from the API's app: under :data:`PREFIX`, and ``/`` goes there."""

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=303)

    app.mount(PREFIX, create_console(services))
