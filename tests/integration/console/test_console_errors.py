"""The console's errors are pages in its layout, never the API's problem JSON.

An unexpected error (500), a refusal (403), something not found (404) and a rule the domain
refused answer an HTML page in the official's language (Chinese, English with the switch):
the status, a short sentence, the request's id for an unexpected error, a link back to the
work queue; no stack trace, no message of the error (it may quote personal data). Routes that
raise are added to the console of a real hub for the test.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import pytest
from fastapi import FastAPI, Request
from starlette.routing import Mount

from domain.errors import NotParty, RoleRequired, StepOutOfOrder
from hub.api.app import create_app
from hub.console.security import PREFIX
from hub.console.session import Official
from tests.integration.api.conftest import Api
from tests.integration.console.conftest import Browser

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

#: what a failing error's message could quote: never shown, never logged
SECRET = "周某 65400319800510001X"


def console_of(app: FastAPI) -> FastAPI:
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == PREFIX)
    console = mount.app
    assert isinstance(console, FastAPI)
    return console


@pytest.fixture(scope="module")
def failing(api: Api) -> Any:
    """A hub whose console has routes that fail each way; ``failing(agency)`` a browser
    signed in there (or none), which gets the error answers, not the exceptions."""
    app = create_app(api.services)
    console = console_of(app)

    @console.get("/test-fails/unexpected")
    def unexpected(principal: Official) -> None:
        raise RuntimeError(SECRET)

    @console.get("/test-fails/unexpected-signed-out")
    def unexpected_signed_out() -> None:
        raise KeyError(SECRET)

    @console.get("/test-fails/layout-too")
    def layout_too(request: Request) -> None:
        request.state.principal = object()  # not an official: the layout cannot be drawn
        raise RuntimeError(SECRET)

    @console.get("/test-fails/not-party")
    def not_party(principal: Official) -> None:
        raise NotParty(SECRET)

    @console.get("/test-fails/role")
    def role(principal: Official) -> None:
        raise RoleRequired(SECRET)

    @console.get("/test-fails/rule")
    def rule(principal: Official) -> None:
        raise StepOutOfOrder(SECRET)

    def make(agency: str | None = "p") -> Browser:
        b = Browser(app)
        b.client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
        if agency is not None:
            number = api.as_official(agency, "case_officer").rsplit(":", 1)[1]
            assert b.sign_in(api.ids[agency], number).status_code == 303
        return b

    return make


def is_page(response: Any) -> str:
    assert response.headers["content-type"].startswith("text/html"), response.text
    text: str = response.text
    assert text.startswith("<!doctype html>")
    assert SECRET not in text and "Traceback" not in text and 'File "' not in text
    assert f'href="{PREFIX}/"' in text  # back to the work queue
    return text


def test_an_unexpected_error_is_a_page_with_the_request_id(
    failing: Any, caplog: pytest.LogCaptureFixture
) -> None:
    b = failing("p")
    with caplog.at_level(logging.INFO):
        answer = b.get("/console/test-fails/unexpected", headers={"X-Request-ID": "req-42"})
    assert answer.status_code == 500
    text = is_page(answer)
    assert "系统出现意外错误" in text and "req-42" in text
    assert '<nav aria-label="' in text  # the console's layout, with the official's nav
    english = b.get("/console/test-fails/unexpected?lang=en")
    assert english.status_code == 500
    assert "unexpected error" in is_page(english)
    # Operators are told what failed and where, never the error's message.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("hub"))
    assert "RuntimeError" in logged and "/test-fails/unexpected" in logged
    assert SECRET not in logged


def test_an_unexpected_error_signed_out_is_a_page_too(failing: Any) -> None:
    answer = failing(None).get("/console/test-fails/unexpected-signed-out")
    assert answer.status_code == 500
    assert "系统出现意外错误" in is_page(answer)


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/console/test-fails/not-party", 404, "没有找到该页面或记录"),
        ("/console/no-such-page", 404, "没有找到该页面或记录"),
        ("/console/test-fails/role", 403, "您的角色不能执行此操作"),
        ("/console/test-fails/rule", 409, "无法完成"),
    ],
)
def test_refusals_are_pages(failing: Any, path: str, status: int, words: str) -> None:
    answer = failing("p").get(path)
    assert answer.status_code == status
    assert words in is_page(answer)


def test_when_the_layout_fails_too_the_page_still_says_it(failing: Any) -> None:
    answer = failing(None).get("/console/test-fails/layout-too", headers={"X-Request-ID": "r-7"})
    assert answer.status_code == 500
    text = is_page(answer)
    assert "系统出现意外错误" in text and "r-7" in text
