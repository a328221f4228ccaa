"""Rendering: the Jinja2 environment, the console's filters, and one page's context.

Filters: ``yuan`` (integer fen to ``12,345.00 元``), ``china_time`` (an ISO time in China
time, UTC+8, no daylight saving), ``sla`` (green/amber/red badge with its words), ``t``
(a catalogue message). Every page gets ``lang``, ``t``, ``principal``, ``nav``, ``csrf``
and ``prefix``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from hub.console import i18n, nav
from hub.console.security import PREFIX, csrf_token
from hub.console.session import csrf_bound_to, lang_of

TEMPLATES = Path(__file__).parent / "templates"
CHINA = timezone(timedelta(hours=8), "CST")
LEVELS = ("green", "amber", "red")


def yuan(fen: int | None) -> str:
    """Integer fen as yuan with two decimals: ``1234567`` -> ``12,345.67 元``."""
    if fen is None:
        return "—"
    return f"{Decimal(int(fen)) / 100:,.2f} 元"


def china_time(value: str | datetime | date | None, with_time: bool = True) -> str:
    """An instant in China time (``2026-12-02 18:03``); a date as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(CHINA)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def sla_badge(level: str | None, lang: i18n.Lang) -> Markup:
    """The SLA's green/amber/red as a badge with words (never colour alone)."""
    if level not in LEVELS:
        return Markup("")
    text = i18n.t(f"sla.{level}", lang)
    return Markup('<span class="badge badge-{}">{}</span>').format(level, escape(text))


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yuan"] = yuan
    env.filters["china_time"] = china_time
    env.filters["china_date"] = lambda v: china_time(v, with_time=False)
    return env


class Pages:
    """Renders the console's templates with the request's context."""

    def __init__(
        self,
        nav_items: list[nav.NavItem],
        unread: Callable[[Request, Any], int | None] | None = None,
    ) -> None:
        self.env = environment()
        self.nav_items = nav_items
        #: the header bell's unread count for the caller (None: no bell)
        self.unread = unread

    def context(self, request: Request) -> dict[str, Any]:
        lang = lang_of(request)
        principal = getattr(request.state, "principal", None)
        bound = csrf_bound_to(request) or getattr(request.state, "pre_session", None)
        key: bytes = request.app.state.csrf_key

        def t(key_: str, **values: object) -> str:
            return i18n.t(key_, lang, **values)

        return {
            "request": request,
            "lang": lang,
            "t": t,
            "sla": lambda level: sla_badge(level, lang),
            "rule_text": lambda rule: i18n.rule_text(rule, lang),
            "principal": principal,
            "nav": (
                nav.for_principal(self.nav_items, principal, request.app.state.services)
                if principal
                else []
            ),
            "unread": self.unread(request, principal) if self.unread else None,
            "csrf": csrf_token(key, bound) if bound else "",
            "prefix": PREFIX,
            "path": request.url.path,
        }

    def render(
        self, request: Request, template: str, status: int = 200, **values: Any
    ) -> HTMLResponse:
        context = {**self.context(request), **values}
        html = self.env.get_template(template).render(context)
        response = HTMLResponse(html, status_code=status)
        asked = request.query_params.get("lang")
        if asked in i18n.LANGS:
            response.set_cookie(
                "lang", asked, max_age=365 * 86400, samesite="strict", path="/", httponly=True
            )
        pre = getattr(request.state, "pre_session", None)
        if pre is not None:
            response.set_cookie(
                "hub_console_pre",
                pre,
                httponly=True,
                samesite="strict",
                path=PREFIX,
                secure=request.app.state.https,
            )
        return response
