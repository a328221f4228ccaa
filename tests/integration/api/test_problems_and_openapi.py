"""Every error is an RFC 9457 problem; the OpenAPI document describes every route."""

from __future__ import annotations

import importlib
import pkgutil
import uuid
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Match

import hub.api.routes
from tests.integration.api.conftest import PROBLEM, Api, assert_problem


def test_problems_have_one_shape_whatever_the_cause(api: Api) -> None:
    referral_id = api.referral("p", "ca")
    answers = [
        (api.client.get(f"/referrals/{referral_id}"), 401),
        (api.post("auditor", f"/referrals/{referral_id}/receive", {"on_behalf_of": "x"}), 403),
        (api.post("p", f"/referrals/{referral_id}/receive", {"on_behalf_of": "x"}), 403),
        (api.get("out", f"/referrals/{referral_id}"), 404),
        (api.get("p", f"/referrals/{uuid.uuid4()}"), 404),
        (api.client.get("/no-such-route"), 401),  # without a token, nothing but 401
        (api.get("p", "/no-such-route"), 404),
        (api.client.delete(f"/referrals/{referral_id}", headers=api.headers("p")), 405),
        (api.post("ca", f"/referrals/{referral_id}/start", {"on_behalf_of": "x"}), 409),
        (api.post("ca", f"/referrals/{referral_id}/reject", {"on_behalf_of": "x"}), 422),
        (api.post("ca", f"/referrals/{referral_id}/receive", {"on_behalf_of": 1}), 422),
    ]
    for response, status in answers:
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert set(body) >= {"type", "title", "status", "detail"}
        assert body["type"].startswith("/problems/") and body["type"] != "/problems/"
        assert body["status"] == status
        assert isinstance(body["title"], str) and isinstance(body["detail"], str)
        assert body.get("instance", response.request.url.path) == response.request.url.path
    assert api.get("p", f"/referrals/{referral_id}").json()["status"] == "requested"


def test_referrals_are_never_deleted(api: Api) -> None:
    referral_id = api.referral("p", "ca")
    for who in ("p", "ca", "admin"):
        response = api.client.delete(f"/referrals/{referral_id}", headers=api.headers(who))
        assert_problem(response, 405, "method")
    assert api.get("p", f"/referrals/{referral_id}").status_code == 200


def test_domain_rules_have_stable_problem_types(api: Api) -> None:
    """The type names the rule of ``domain/errors.py``, not the message."""
    case_id = api.case("p")
    response = api.post("p", f"/cases/{case_id}/submission", {"proposed_fen": 1})
    body = assert_problem(response, 409, "case-step-out-of-order")
    assert body["title"] == "Step out of order"


ROUTE_MODULES = [
    importlib.import_module(f"hub.api.routes.{m.name}")
    for m in pkgutil.iter_modules(hub.api.routes.__path__)
]

# The commands and queries of issue 2, each a route the OpenAPI document must describe.
EXPECTED: set[tuple[str, str]] = {
    ("get", "/health"),
    ("post", "/agencies"),
    ("get", "/agencies"),
    ("get", "/agencies/{agency_id}"),
    ("post", "/tokens"),
    ("post", "/mechanisms"),
    ("get", "/mechanisms/{mechanism_id}"),
    ("post", "/mechanisms/{mechanism_id}/members"),
    ("post", "/mechanisms/{mechanism_id}/members/{agency_id}/leave"),
    ("post", "/persons"),
    ("get", "/persons/{person_id}"),
    ("get", "/persons/{person_id}/aid"),
    ("post", "/persons/{person_id}/consent"),
    ("post", "/persons/{person_id}/consent/withdraw"),
    ("post", "/cases"),
    ("get", "/cases/{case_id}"),
    ("get", "/cases/{case_id}/history"),
    *(
        ("post", f"/cases/{{case_id}}/{step}")
        for step in (
            "inquiry",
            "review",
            "hearing",
            "submission",
            "grant",
            "refusal",
            "disbursements",
            "follow-ups",
            "closure",
        )
    ),
    ("post", "/referrals"),
    ("get", "/referrals/{referral_id}"),
    ("get", "/referrals/{referral_id}/history"),
    ("post", "/referrals/{referral_id}/{action}"),
    ("post", "/referrals/{referral_id}/re-refer"),
    ("get", "/agencies/{agency_id}/referrals"),
}


@pytest.fixture(scope="module")
def openapi(api: Api) -> dict[str, Any]:
    response = api.client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def documented(openapi: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for path, item in openapi["paths"].items() for method in item}


def test_openapi_documents_every_command_and_query(openapi: dict[str, Any]) -> None:
    assert documented(openapi) >= EXPECTED


def test_openapi_documents_every_route_of_the_app(api: Api, openapi: dict[str, Any]) -> None:
    """Every route of every router in ``hub/api/routes/``, and no other, is in the document."""
    declared = [r for m in ROUTE_MODULES if hasattr(m, "router") for r in m.router.routes]
    declared += [r for r in api.client.app.routes if isinstance(r, APIRoute)]
    routes = {
        (method.lower(), route.path)
        for route in declared
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in route.methods or ()
    }
    assert routes == documented(openapi)


def test_every_route_is_the_one_its_own_path_reaches(api: Api) -> None:
    """Routes are matched in order, the busiest first (``create_app``): no route is shadowed by
    one listed before it, whatever module each comes from."""
    app_routes = list(api.client.app.routes)
    checked = 0
    for route in app_routes:
        if not isinstance(route, APIRoute):
            continue
        path = route.path
        for name in route.param_convertors:
            path = path.replace("{" + name + "}", str(uuid.uuid4()))
        for method in route.methods or ():
            scope = {"type": "http", "path": path, "method": method, "root_path": ""}
            first = next(r for r in app_routes if r.matches(scope)[0] == Match.FULL)
            assert first is route, f"{method} {route.path} is reached by {first}"
            checked += 1
    assert checked > 80


# POSTs that take no Idempotency-Key, each for a reason; a new one must be added here knowingly.
POSTS_WITHOUT_KEY = {
    "/tokens": "a retry would have to replay the clear token, which is shown only once",
    "/lookups/persons": "a query (the ID number in the body, not in a logged URL): it changes nothing",
    "/tokens/connector": "the same: the clear token is shown only once",
    "/tokens/{token_id}/rotate": "the same: the successor's clear token is shown only once",
    "/tokens/{token_id}/revoke": "revoking twice is revoking once; nothing enters the log",
    "/auth/sign-in": "a retry would have to replay the session token; signing in again is safe",
    "/auth/sign-out": "ending a session twice is ending it once; nothing enters the log",
    "/users/{user_id}/password": "setting the same password twice is setting it once",
    "/users/{user_id}/totp": "a retry would have to replay the secret, which is shown only once",
}
#: operations that answer without a token
PUBLIC = {"/health", "/health/live", "/health/ready", "/auth/sign-in"}


def test_openapi_documents_keys_tokens_and_closed_bodies(openapi: dict[str, Any]) -> None:
    assert any(s["type"] == "http" for s in openapi["components"]["securitySchemes"].values())
    without_key = set()
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if path in PUBLIC:
                assert "security" not in operation
                if method != "post":
                    continue
            else:
                assert operation.get("security"), (method, path)
            if method != "post":
                continue
            parameters = operation.get("parameters", [])
            if "idempotency-key" not in {
                p["name"].lower() for p in parameters if p["in"] == "header"
            }:
                without_key.add(path)
            if "requestBody" in operation:
                ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                schema = openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]
                assert schema.get("additionalProperties") is False, path
    assert without_key == set(POSTS_WITHOUT_KEY)
    action = openapi["paths"]["/referrals/{referral_id}/{action}"]["post"]
    (param,) = [p for p in action["parameters"] if p["name"] == "action"]
    enum = openapi["components"]["schemas"][param["schema"]["$ref"].rsplit("/", 1)[1]]["enum"]
    assert set(enum) == {
        "receive",
        "accept",
        "reject",
        "start",
        "hold",
        "resume",
        "complete",
        "fail",
        "cancel",
    }
