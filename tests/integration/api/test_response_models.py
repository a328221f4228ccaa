"""Response models never change a read: every GET answers the same JSON with its model as the
route's own return value gives without one, for every role, on each log.

The world is the access matrix's (:func:`tests.integration.api.test_access_matrix.world`), plus
a linkage mechanism and an erased person. A second app over the same services has every GET's
response model taken off (the route's return value, JSON-encoded as it is); each read is asked
of both apps in turn, with the log's waiting reads appended first so nothing moves between the
two answers.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import ValidationError

from hub.api.app import create_app
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
    users,
    views,
    wages,
)
from hub.api.schemas import PersonPublic, ReferralPublic
from hub.bootstrap import Services
from tests.integration.api.conftest import Api, id_number
from tests.integration.api.test_access_matrix import world  # noqa: F401  (the fixture)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROLES = ("p", "ca", "ent", "req", "yl", "mm", "out", "connector", "auditor", "admin")

#: GET route template → the request made of it (``{…}`` filled from the world)
READS: dict[str, str] = {
    "/health": "/health",
    "/health/live": "/health/live",
    "/health/ready": "/health/ready",
    "/agencies": "/agencies",
    "/agencies/{agency_id}": "/agencies/{p}",
    "/mechanisms/{mechanism_id}": "/mechanisms/{mechanism}",
    "/persons/{person_id}": "/persons/{person}",
    "/persons/{person_id}/aid": "/persons/{person}/aid",
    "/persons/{person_id}/consents": "/persons/{person}/consents",
    "/cases": "/cases",
    "/cases/{case_id}": "/cases/{case}",
    "/cases/{case_id}/history": "/cases/{case}/history",
    "/referrals/{referral_id}": "/referrals/{referral}",
    "/referrals/{referral_id}/history": "/referrals/{referral}/history",
    "/agencies/{agency_id}/referrals": "/agencies/{p}/referrals?box=outbox",
    "/agencies/{agency_id}/inbox": "/agencies/{ca}/inbox",
    "/agencies/{agency_id}/outbox": "/agencies/{p}/outbox",
    "/agencies/{agency_id}/feed": "/agencies/{ca}/feed",
    "/views/cases/{case_id}": "/views/cases/{case}",
    "/views/persons/{person_id}/aid": "/views/persons/{person}/aid",
    "/statistics/regions/{region_code}": "/statistics/regions/659001?from=2000-01-01&to=2099-12-31",
    "/sla/watch-list": "/sla/watch-list?include_green=true",
    "/views/dashboard/{region_code}": "/views/dashboard/659001?from=2000-01-01&to=2099-12-31",
    "/views/mechanisms/{mechanism_id}": "/views/mechanisms/{world_mechanism}",
    "/views/may-fall-through": "/views/may-fall-through",
    "/audit/verify": "/audit/verify",
    "/audit/access-log": "/audit/access-log",
    "/operations/dlq": "/operations/dlq",
    "/wages/{region_code}/{year}": "/wages/65/2021",
    "/auth/me": "/auth/me",
    "/users": "/users",
    "/users/{user_id}": "/users/{user}",
    "/tokens": "/tokens",
    "/notifications": "/notifications",
    "/notifications/preferences": "/notifications/preferences",
    "/notifications/failed": "/notifications/failed",
}
#: more requests of the same routes: an erased person, the other referrals, another box
MORE_READS = (
    "/persons/{erased}",
    "/persons/{erased}/consents",
    "/persons/{sparse}",
    "/referrals/{wd_referral}",
    "/referrals/{req_referral}",
    "/agencies/{ca}/referrals",
    "/agencies/{ent}/inbox?status=completed",
    "/audit/access-log?person_id={person}",
    "/audit/verify?case_id={case}",
    "/cases?stage=received&limit=1",
)
#: reads of a replay in several formats: no response model (JSON, JSON Lines or PDF); the
#: Prometheus text format
WITHOUT_MODEL = {
    "/audit/cases/{case_id}/replay",
    "/metrics",
    "/views/dashboard/{region_code}/export",  # CSV or XLSX
}


def without_models(services: Services) -> FastAPI:
    """The app with every GET answered by the same route function with no response model (its
    return value, JSON-encoded as it is), ahead of the modelled routes."""
    app = create_app(services)
    modelled = list(app.router.routes)
    gets = [
        route
        for module in (
            health,
            auth,
            admin,
            users,
            persons,
            cases,
            referrals,
            feed,
            views,
            dashboards,
            audit,
            operations,
            wages,
            notifications,
        )
        for route in module.router.routes
        if isinstance(route, APIRoute) and "GET" in route.methods
    ]
    assert len(gets) == len(READS) + len(WITHOUT_MODEL)
    for route in gets:
        app.router.add_api_route(route.path, route.endpoint, methods=["GET"], response_model=None)
    bare = [r for r in app.router.routes if r not in modelled]
    assert all(isinstance(r, APIRoute) and r.response_field is None for r in bare)
    app.router.routes[:] = [*bare, *modelled]
    return app


@pytest.fixture(scope="module")
def ids(api: Api, world: dict[str, str]) -> dict[str, str]:  # noqa: F811
    mechanism = {
        "name": "模型测试衔接机制",
        "region_code": "659001",
        "lead_agency_id": api.ids["p"],
        "signed_on": "2023-03-01",
        "members": [{"agency_id": api.ids["p"], "responsibility": "牵头"}],
    }
    erased = str(api.ok("p", "/persons", {"id_number": id_number(), "name": "已删除"})["id"])
    api.ok("admin", f"/persons/{erased}/erase", {"legal_basis": "依申请删除"})
    sparse = str(api.ok("p", "/persons", {"id_number": id_number(), "name": "只有姓名"})["id"])
    return {
        **world,
        "world_mechanism": world["mechanism"],  # in the views (the world rebuilt them)
        "sparse": sparse,
        **api.ids,
        "mechanism": str(api.ok("admin", "/mechanisms", mechanism)["id"]),
        "erased": erased,
        "user": api.users[api.as_official("p", "case_officer", "模型测试承办人")],
    }


def settle(services: Services) -> None:
    """Appends the reads waiting for the log, so that no answer moves between the two apps."""
    if services.hub.read_log is not None:
        services.hub.read_log.flush_quietly()


def test_every_read_answers_as_without_its_model(api: Api, ids: dict[str, str]) -> None:
    bare = TestClient(without_models(api.services))
    answered: dict[str, int] = {}
    for template, read in [*READS.items(), *((None, r) for r in MORE_READS)]:
        path = read.format(**ids)
        for who in ROLES:
            headers = {"Authorization": f"Bearer {api.tokens[who]}"}
            settle(api.services)
            modelled = api.client.get(path, headers=headers)
            plain = bare.get(path, headers=headers)
            assert modelled.status_code == plain.status_code, (who, path, modelled.text)
            assert modelled.json() == plain.json(), (who, path)
            assert modelled.headers["content-type"] == plain.headers["content-type"], (who, path)
            if template is not None and modelled.status_code == 200:
                answered[template] = answered.get(template, 0) + 1
    # every modelled read was compared on a real answer, not only on refusals
    unanswered = set(READS) - set(answered)
    if not api.services.settings.kafka_bootstrap_servers:
        unanswered.discard("/operations/dlq")  # dead letters exist only on the Kafka log
    assert not unanswered


def test_the_person_read_keeps_null_and_absent_apart(api: Api, ids: dict[str, str]) -> None:
    """An agency reads the person's fields it may (``null`` where it has none) and no others."""
    for who in ROLES:
        settle(api.services)
        response = api.get(who, f"/persons/{ids['person']}")
        if response.status_code != 200:
            continue
        plain = TestClient(without_models(api.services)).get(
            f"/persons/{ids['person']}", headers={"Authorization": f"Bearer {api.tokens[who]}"}
        )
        assert set(response.json()) == set(plain.json()), who
    erased = api.get("auditor", f"/persons/{ids['erased']}").json()
    assert erased == {"id": ids["erased"], "erased": True}
    sparse = api.get("auditor", f"/persons/{ids['sparse']}").json()
    assert sparse["contact"] is None and sparse["health"] is None and sparse["family"] is None
    assert "erased" not in sparse and "records" not in sparse


def test_every_read_but_the_replay_documents_its_model(client: Any) -> None:
    schema = client.get("/openapi.json").json()
    gets = {path: ops["get"] for path, ops in schema["paths"].items() if "get" in ops}
    assert set(READS) | WITHOUT_MODEL == set(gets)
    for path in READS:
        body = gets[path]["responses"]["200"]["content"]["application/json"]["schema"]
        target = body.get("items", body)
        assert target.get("$ref", "").endswith("Public"), (path, body)
        name = target["$ref"].rsplit("/", 1)[1]
        assert schema["components"]["schemas"][name]["properties"], name


def test_a_read_model_converts_nothing() -> None:
    """A value of another type than the model's is an error (a 500), never converted."""
    with pytest.raises(ValidationError):
        PersonPublic.model_validate({"id": "x", "has_consent": 1})
    with pytest.raises(ValidationError):
        ReferralPublic.model_validate({"id": 1})


def test_a_read_model_keeps_what_it_does_not_name() -> None:
    person = PersonPublic.model_validate({"id": "x", "name": None, "records": {"a": {}}})
    assert person.model_dump(mode="json", exclude_unset=True) == {
        "id": "x",
        "name": None,
        "records": {"a": {}},
    }
