"""The console under test: the API tests' hub and network (tests/integration/api/conftest.py),
and a browser-like client per official, with its own cookies.

:class:`Browser` signs in through the console's form (CSRF token read from the page, as a
browser would send it) and posts forms with the token of the page it last read.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest

from hub.api.app import create_app
from tests.integration.api.conftest import PASSWORD, Api, api, client, services

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["Browser", "api", "browser", "client", "services"]

CSRF = re.compile(r'name="csrf" value="([0-9a-f]*)"')
KEY = re.compile(r'name="key" value="([^"]+)"')


class Browser:
    """One official's browser: its own cookie jar, its last page's CSRF token."""

    def __init__(self, app: Any) -> None:
        self.client = TestClient(app, base_url="https://testserver")
        self.csrf = ""
        self.page: Any = None

    def get(self, path: str, **kw: Any) -> Any:
        response = self.client.get(path, follow_redirects=False, **kw)
        found = CSRF.search(response.text)
        if found and found.group(1):
            self.csrf = found.group(1)
        self.page = response
        return response

    def post(self, path: str, data: dict[str, Any], *, csrf: str | None = None) -> Any:
        form = {"csrf": self.csrf if csrf is None else csrf, **data}
        response = self.client.post(path, data=form, follow_redirects=False)
        self.page = response
        return response

    def key(self) -> str:
        found = KEY.search(self.page.text)
        assert found, "the page has no form key"
        return found.group(1)

    def sign_in(self, agency: str, staff_number: str, password: str = PASSWORD) -> Any:
        self.get("/console/sign-in")
        return self.post(
            "/console/sign-in",
            {"agency": agency, "staff_number": staff_number, "password": password},
        )


@pytest.fixture(scope="module")
def browser(api: Api) -> Any:
    """Makes a browser; ``browser(agency, role)`` one signed in as a new official there."""
    app = create_app(api.services)

    def make(agency: str | None = None, role: str = "caseworker") -> Browser:
        b = Browser(app)
        if agency is not None:
            who = api.as_official(agency, role)
            number = who.rsplit(":", 1)[1]
            answer = b.sign_in(api.ids[agency], number)
            assert answer.status_code == 303, answer.text
        return b

    return make
