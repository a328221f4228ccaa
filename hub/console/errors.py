"""The console's error pages: every error on a console page answers a page, never JSON.

A page in the console's layout (the signed-in official's nav, the language switch) says the
status, one sentence in the official's language and links back to the work queue. Not found
and not a party read alike (404); a refusal by role is 403; a broken domain rule says which
rule; a version conflict 409 and an unavailable log 503 say to try again. An unexpected error
is a 500 page with the request's id, logged for operators as the API logs it
(:func:`hub.api.problems.log_unexpected`: its type and route, never its message), and never
shows a stack trace or the error's message, which may quote personal data.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import IntegrityError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import escape
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Scope

from domain.errors import DomainError, NotFound
from hub.api.problems import Problem, UnexpectedErrors, from_domain
from hub.console import i18n
from hub.console.render import Pages
from hub.console.security import PREFIX
from hub.console.session import CsrfRefused, SignInRequired, lang_of, sign_in_url
from hub.eventlog.errors import LogUnavailable
from hub.logs import request_context

KIND_BY_STATUS = {404: "not_found", 403: "forbidden"}


def current_request_id() -> str | None:
    context = request_context.get()
    return context.get("request_id") if context else None


def error_page(
    request: Request, kind: str, status: int, detail: str = "", **headers: str
) -> Response:
    pages: Pages = request.app.state.pages
    response = pages.render(
        request,
        "error.html",
        status,
        kind=kind,
        detail=detail,
        status_code=status,
        request_id=current_request_id() if status >= 500 else None,
    )
    response.headers.update(headers)
    return response


def bare_page(request: Request) -> Response:
    """The unexpected error's page when the layout itself cannot be drawn (its nav and bell
    read the hub): the same words, nothing read."""
    lang = lang_of(request)
    rid = current_request_id()
    title, body = (i18n.t(f"error.unexpected.{k}", lang) for k in ("title", "body"))
    html = (
        f'<!doctype html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{escape(title)}</title></head><body><main>'
        f"<h1>{escape(title)}</h1><p>{i18n.t('error.status', lang)}: 500</p>"
        f'<p role="alert">{escape(body)}</p>'
        + (f"<p>{i18n.t('error.request_id', lang)}: <code>{escape(rid)}</code></p>" if rid else "")
        + f'<p><a href="{PREFIX}/">{escape(i18n.t("error.back", lang))}</a></p>'
        "</main></body></html>"
    )
    return HTMLResponse(html, status_code=500)


class UnexpectedPage(UnexpectedErrors):
    """The console's :class:`~hub.api.problems.UnexpectedErrors`: an error no handler took is
    logged and answers the 500 page, not JSON."""

    def answer(self, scope: Scope) -> ASGIApp:
        request = Request(scope)
        try:
            return error_page(request, "unexpected", 500)
        except Exception:  # the layout reads the hub too: the words without it
            return bare_page(request)


def install(console: FastAPI) -> None:
    """The console's error pages: handlers for each refusal, the middleware for the rest
    (add it before the security headers, so that its pages get them too)."""
    console.add_middleware(UnexpectedPage)

    @console.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(sign_in_url(exc.next_path), status_code=303)

    @console.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        return error_page(request, "csrf", 403)

    @console.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_page(request, exc)

    @console.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return error_page(request, "not_found", 404)

    @console.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        # not a party reads as not found; the rule's words, never the error's message
        return problem_page(request, from_domain(exc))

    @console.exception_handler(IntegrityError)
    async def _conflict(request: Request, exc: IntegrityError) -> Response:
        return error_page(request, "other", 409, "version-conflict")

    @console.exception_handler(LogUnavailable)
    async def _unavailable(request: Request, exc: LogUnavailable) -> Response:
        retry = {"Retry-After": str(exc.retry_after)}
        return error_page(request, "other", 503, "log-unavailable", **retry)

    @console.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # a malformed id in a path reads as an unknown one; a malformed form as what it is
        if any(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
            return error_page(request, "not_found", 404)
        return error_page(request, "other", 422, "validation")

    @console.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        return error_page(request, KIND_BY_STATUS.get(exc.status_code, "other"), exc.status_code)


def problem_page(request: Request, problem: Problem) -> Response:
    kind = KIND_BY_STATUS.get(problem.status, "other")
    extra: dict[str, Any] = problem.headers
    return error_page(request, kind, problem.status, problem.rule, **extra)
