"""Liveness and readiness: ready means the log answers and the views are within the set lag."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.settings import Settings
from projections import worker
from tests.conftest import LogEnvFactory
from tests.integration.api.conftest import AGENCIES, Api, assert_problem

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def test_live_and_ready_answer_anyone_with_figures_only_for_administrators(api: Api) -> None:
    for who in (None, "p", "auditor", "admin"):
        assert api.get(who, "/health/live").json() == {"status": "live"}
    for who in (None, "p", "auditor"):
        answer = api.get(who, "/health/ready")
        assert (answer.status_code, answer.json()) == (200, {"status": "ready"})
    full = api.get("admin", "/health/ready").json()
    assert full["status"] == "ready" and full["log_position"] == api.log_position()
    assert full["writer"] in ("embedded", "ready", "idle")
    assert {v["view"] for v in full["views"]} == set(worker.VIEWS)


@pytest.fixture
def lagging(log_env_factory: LogEnvFactory, tmp_path: Path) -> Iterator[tuple[Services, Any]]:
    """A hub on a log of its own whose views may be at most 3 events behind, with nobody
    projecting."""
    settings = Settings(data_dir=tmp_path, ready_max_lag=3)
    services = build(settings, log_env_factory())
    with TestClient(create_app(services)) as client:
        yield services, client
    services.close()


def test_readiness_turns_false_when_the_views_lag_past_the_limit(
    lagging: tuple[Services, Any],
) -> None:
    services, client = lagging
    admin = {"Authorization": f"Bearer {services.access.issue(Role.ADMIN, None, 'a')}"}
    for worker_name in worker.VIEWS:  # the views catch up with whatever the log holds
        worker.rebuild(services.hub, services.views, worker_name)
    assert client.get("/health/ready").status_code == 200
    for n, agency in enumerate(AGENCIES.values()):
        body = {**agency, "name": f"{agency['name']}{n}-ready"}
        headers = {**admin, "Idempotency-Key": f"ready-{n}"}
        assert client.post("/agencies", json=body, headers=headers).status_code == 201
    body = assert_problem(client.get("/health/ready"), 503, "not-ready")
    assert "views" in body["detail"]
    assert client.get("/health/live").status_code == 200
    for worker_name in worker.VIEWS:
        worker.rebuild(services.hub, services.views, worker_name)
    assert client.get("/health/ready").status_code == 200


def test_a_fenced_writer_is_not_ready(
    log_kind: str, log_env_factory: LogEnvFactory, tmp_path: Path
) -> None:
    if log_kind != "kafka":
        pytest.skip("the embedded log has no writer to fence")
    env = log_env_factory()
    other = {**env, "HUB_REPLICA_PATH": str(tmp_path / "other-replica.sqlite")}
    first = build(Settings(data_dir=tmp_path / "first"), env)
    second = build(Settings(data_dir=tmp_path / "second"), other)
    try:
        with (
            TestClient(create_app(first)) as one,
            TestClient(create_app(second)) as two,
        ):

            def add(client: Any, services: Services, n: int) -> int:
                token = services.access.issue(Role.ADMIN, None, "a")
                headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"fence-{n}"}
                body = {**AGENCIES["p"], "name": f"围栏测试{n}"}
                return int(client.post("/agencies", json=body, headers=headers).status_code)

            assert add(one, first, 1) == 201
            assert one.get("/health/ready").status_code == 200
            assert add(two, second, 2) == 201  # another hub on the same log takes it over
            assert add(one, first, 3) == 503
            body = assert_problem(one.get("/health/ready"), 503, "not-ready")
            assert "writer" in body["detail"]
            assert two.get("/health/ready").status_code == 200
    finally:
        first.close()
        second.close()
