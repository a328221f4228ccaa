"""``hub serve`` on the embedded default is the whole hub: restarted on the demo's data, its
views catch up and then follow new commands; with ``--no-projections`` they do not move."""

from __future__ import annotations

import json
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from hub.bootstrap import build
from hub.demo.loader import TOKENS_FILE, load_demo
from hub.settings import Settings
from projections import worker
from tests.integration.api.conftest import id_number
from tests.integration.resilience.serve import HUB, HubServer, hub_env
from tests.support.tansu import free_port

CIVIL_AFFAIRS = "奎屯市民政局"
PROCURATORATE = "奎屯市人民检察院"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the seven scenarios and a small synthetic history in its log and no
    view built (as the demo leaves it when stopped before its worker caught up)."""
    data_dir = tmp_path_factory.mktemp("demo")
    services = build(Settings(data_dir=data_dir))
    try:
        tokens = load_demo(services, synthetic=40)
        # the synthetic history's agencies in every county, beside the scenarios' (the
        # synthetic history itself: tests/integration/demo/test_synthetic.py)
        assert len(services.hub.list_agencies()) > 400
    finally:
        services.close()
    assert CIVIL_AFFAIRS in tokens
    return data_dir


@pytest.fixture
def served(demo_dir: Path, request: pytest.FixtureRequest) -> Iterator[tuple[HubServer, Any]]:
    tokens = json.loads((demo_dir / TOKENS_FILE).read_text())
    server = HubServer(hub_env(demo_dir))
    server.start(args=tuple(getattr(request, "param", ())))
    try:
        yield server, tokens
    finally:
        server.stop()


def behind(server: HubServer, admin: str) -> dict[str, int]:
    answer = httpx.get(
        f"{server.base}/health", headers={"Authorization": f"Bearer {admin}"}, timeout=10
    )
    return {v["view"]: v["behind"] for v in answer.json()["views"]}


def wait_until(check: Any, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_hub_serve_keeps_the_views_current(served: tuple[HubServer, Any]) -> None:
    server, tokens = served
    admin = tokens["管理员 administrator"]
    assert wait_until(lambda: set(behind(server, admin).values()) == {0})
    ready = httpx.get(f"{server.base}/health/ready", timeout=10)
    assert ready.status_code == 200
    ca = {"Authorization": f"Bearer {tokens[CIVIL_AFFAIRS]}"}
    me = httpx.get(f"{server.base}/agencies", headers=ca, timeout=10).json()
    ca_id = next(a["id"] for a in me if a["name"] == CIVIL_AFFAIRS)
    inbox = f"{server.base}/agencies/{ca_id}/inbox"
    before = httpx.get(inbox, headers=ca, timeout=10).json()
    fresh = before["freshness"]  # caught up with the demo's log, not an empty view
    assert fresh["position"] == fresh["log_position"] > 0, fresh
    # a new referral to civil affairs shows up in its inbox without anything else running
    staff = {
        "Authorization": f"Bearer {tokens[PROCURATORATE]}",
        "Idempotency-Key": uuid.uuid4().hex,
    }
    person = httpx.post(
        f"{server.base}/persons",
        json={"id_number": id_number(), "name": "重启测试"},
        headers=staff,
        timeout=10,
    )
    assert person.status_code == 201, person.text
    person_id = person.json()["id"]
    consent = {
        "to_agencies": [ca_id],
        "services": ["temporary-aid"],
        "evidence": "written",
        "on_behalf_of": "承办检察官",
    }
    staff["Idempotency-Key"] = uuid.uuid4().hex
    answer = httpx.post(
        f"{server.base}/persons/{person_id}/consent", json=consent, headers=staff, timeout=10
    )
    assert answer.status_code == 200, answer.text
    staff["Idempotency-Key"] = uuid.uuid4().hex
    referral = {
        "recipient_id": ca_id,
        "person_id": person_id,
        "reason": "重启后转介",
        "services": ["temporary-aid"],
        "on_behalf_of": "承办检察官",
    }
    made = httpx.post(f"{server.base}/referrals", json=referral, headers=staff, timeout=10)
    assert made.status_code == 201, made.text
    new_id = made.json()["id"]

    def in_inbox() -> bool:
        items = httpx.get(inbox, headers=ca, timeout=10).json()["items"]
        return any(item.get("id", item.get("referral_id")) == new_id for item in items)

    assert wait_until(in_inbox)


@pytest.mark.parametrize("served", [("--no-projections",)], indirect=True)
def test_no_projections_leaves_the_views_to_another_process(
    served: tuple[HubServer, Any],
) -> None:
    server, tokens = served
    admin = tokens["管理员 administrator"]
    agency = {
        "name": f"重启测试单位{uuid.uuid4().hex[:6]}",
        "kind": "volunteer-association",
        "level": "county",
        "region_code": "654003",
        "services": ["counselling"],
    }
    headers = {"Authorization": f"Bearer {admin}", "Idempotency-Key": uuid.uuid4().hex}
    made = httpx.post(f"{server.base}/agencies", json=agency, headers=headers, timeout=10)
    assert made.status_code == 201, made.text
    lag = behind(server, admin)
    time.sleep(2)
    assert behind(server, admin) == lag and min(lag.values()) > 0


def test_a_separate_projection_worker_exports_its_lag(demo_dir: Path) -> None:
    port = free_port()
    env = hub_env(demo_dir, HUB_METRICS_PORT=str(port))
    process = subprocess.Popen(
        [*HUB, "projections", "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )

    def lags() -> dict[str, float] | None:
        try:
            text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        except httpx.TransportError:
            return None
        families = {f.name: f for f in text_string_to_metric_families(text)}
        family = families.get("hub_projection_lag_events")
        return {s.labels["view"]: s.value for s in family.samples} if family else None

    try:
        assert wait_until(lambda: (lag := lags()) is not None and set(lag.values()) == {0.0})
        assert set(lags() or {}) == set(worker.VIEWS)
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=20)
    assert process.returncode == 0, errors
    lines = [json.loads(line) for line in errors.decode().splitlines() if line.startswith("{")]
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)


@pytest.mark.parametrize("flags", [(), ("--no-projections",), ("--no-notifications",)])
def test_hub_serve_says_which_workers_it_expects_elsewhere(
    log_kind: str, tmp_path: Path, request: pytest.FixtureRequest, flags: tuple[str, ...]
) -> None:
    settings: dict[str, str] = {}
    if log_kind == "kafka":
        settings = {
            "KAFKA_BOOTSTRAP_SERVERS": request.getfixturevalue("kafka_bootstrap"),
            "HUB_LOG_TOPIC": f"serve-{uuid.uuid4().hex[:8]}.events",
        }
    port = free_port()
    process = subprocess.Popen(
        [*HUB, "serve", "--port", str(port), *flags],
        env=hub_env(tmp_path / "hub", **settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:

        def live() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/health/live").status_code == 200
            except httpx.TransportError:
                return False

        assert wait_until(live)
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    expected = set(re.findall(r"expected elsewhere: (hub \w+ run)", out.decode()))
    if log_kind == "kafka":
        assert expected == {"hub projections run", "hub router run", "hub notifications run"}
    elif flags == ("--no-projections",):
        assert expected == {"hub projections run"}
    elif flags:
        assert expected == {"hub notifications run"}
    else:
        assert expected == set()
