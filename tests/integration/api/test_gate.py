"""Authentication first, bodies last: 401 before anything about a body or a path; 413 while
a body streams past the limit; the role before the log kind."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest

from tests.integration.api.conftest import Api, assert_problem

BODIES = {
    "malformed JSON": b'{"name": ',
    "invalid UTF-8": b'{"name": "\xff\xfe"}',
    "valid JSON": b'{"name": "x"}',
    "no body": b"",
}


def every_route(api: Api) -> list[tuple[str, str]]:
    """Each method and path of the API (path parameters filled in), but the public ones
    (sign-in answers without a token; its refusals are tested in test_officials)."""
    routes = []
    for template, operations in api.client.get("/openapi.json").json()["paths"].items():
        if template in (
            "/health",
            "/health/live",
            "/health/ready",
            "/auth/sign-in",
        ):  # public: hub.api.gate.PUBLIC
            continue
        path = template.replace("{letter_id}", "1:1").replace("{action}", "accept")
        path = re.sub(r"\{[a-z_]+\}", str(uuid.uuid4()), path)
        routes.extend((method.upper(), path) for method in operations)
    return routes


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("authorization", [None, "Bearer hub_not-a-real-token"])
def test_without_a_valid_token_every_route_answers_401_whatever_the_body(
    api: Api, body: str, authorization: str | None
) -> None:
    before = api.log_position()
    routes = every_route(api)
    assert len(routes) > 40
    for method, path in routes:
        headers = {"Content-Type": "application/json", "Idempotency-Key": "k"}
        if authorization:
            headers["Authorization"] = authorization
        response = api.client.request(method, path, content=BODIES[body], headers=headers)
        assert response.status_code == 401, (method, path, response.text)
        assert_problem(response, 401, "unauthorized")
    for path in ("/no-such-route", "/persons/not-a-uuid"):
        assert_problem(api.client.post(path, content=b"{"), 401, "unauthorized")
    assert api.log_position() == before


def test_dead_letters_check_the_role_before_the_log_kind(api: Api, log_kind: str) -> None:
    assert_problem(api.client.get("/operations/dlq"), 401, "unauthorized")
    for who in ("p", "auditor"):
        assert_problem(api.get(who, "/operations/dlq"), 403, "forbidden")
        retry = api.post(who, "/operations/dlq/1:1/retry", {})
        assert_problem(retry, 403, "forbidden")
    if log_kind == "sqlite":
        assert_problem(api.get("admin", "/operations/dlq"), 409, "no-kafka")


def test_a_body_over_the_limit_is_413_and_appends_nothing(api: Api) -> None:
    limit = api.services.settings.max_body_bytes
    before = api.log_position()
    big = b'{"name": "' + b"x" * limit + b'"}'
    response = api.client.post("/persons", content=big, headers=api.headers("p"))
    assert_problem(response, 413, "body-too-large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it streams
        yield b'{"name": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    streamed = api.client.post("/persons", content=chunks(), headers=api.headers("p"))
    assert_problem(streamed, 413, "body-too-large")
    assert api.log_position() == before
    # without a token the size does not matter: 401
    assert_problem(api.client.post("/persons", content=big), 401, "unauthorized")


def test_a_body_under_the_limit_is_read(api: Api) -> None:
    response = api.post("p", "/persons", {"id_number": "x" * 10, "name": "某"})
    assert response.status_code == 422  # read and validated, not refused for its size
