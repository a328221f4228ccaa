"""The console's application: pages, static files, security headers, error pages
(:mod:`hub.console.errors`).

:func:`mount` is what the API's ``create_app`` calls: it mounts the console under
:data:`~hub.console.security.PREFIX` and sends ``/`` there. :data:`PAGES` lists the page
modules; each has a ``router`` (its routes, below the prefix) and ``NAV`` (its entries).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from hub.bootstrap import Services
from hub.console import errors, labels, nav
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
    errors.install(console)  # its middleware inside the security headers
    console.add_middleware(SecurityHeaders)
    console.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in PAGES:
        console.include_router(module.router)
    return console


def mount(app: FastAPI, services: Services) -> None:
    """Serves the console from the API's app: under :data:`PREFIX`, and ``/`` goes there."""

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=303)

    app.mount(PREFIX, create_console(services))
