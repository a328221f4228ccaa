"""Through the HTTP API: a broker that goes away is a quick 503 with Retry-After, then heals."""

from __future__ import annotations

import time
import uuid
import warnings

import pytest

from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import build
from hub.settings import Settings
from tests.integration.eventlog_kafka.conftest import committed_transactions, kafka_env, restore
from tests.support.tansu import TansuBroker

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.kafka

AGENCY = {
    "kind": "procuratorate",
    "level": "county",
    "region_code": "659001",
    "services": ["judicial-relief"],
}


def test_the_api_answers_503_with_retry_after_while_the_broker_is_away(tmp_path):
    broker = TansuBroker()
    broker.start()
    env = kafka_env(broker.bootstrap, tmp_path)
    services = build(Settings(data_dir=tmp_path / "hub"), env)
    try:
        client = TestClient(create_app(services))
        token = services.access.issue(Role.ADMIN, None, "test administrator")

        def register(name: str):
            return client.post(
                "/agencies",
                json={"name": name, **AGENCY},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
            )

        admin = {"Authorization": f"Bearer {token}"}
        assert register("测试县人民检察院").status_code == 201
        kept = committed_transactions(env)
        before = client.get("/health", headers=admin).json()["log_position"]

        broker.stop()
        started = time.monotonic()
        refused = register("第二检察院")
        assert time.monotonic() - started < 8
        assert refused.status_code == 503
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.headers["content-type"].startswith("application/problem+json")
        after = client.get("/health", headers=admin).json()["log_position"]
        assert after == before  # nothing partial

        broker.start()
        restore(env, kept)  # what a broker's disk would have kept (Tansu is memory-only)
        deadline = time.monotonic() + 30
        while (answer := register("第三检察院")).status_code == 503:
            assert time.monotonic() < deadline, "the hub did not recover"
            time.sleep(0.5)
        assert answer.status_code == 201
    finally:
        services.close()
        broker.close()
