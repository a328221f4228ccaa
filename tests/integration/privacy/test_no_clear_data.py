"""After the seven scenarios, no name or ID number stands in clear anywhere the hub writes.

A real ``hub serve`` process runs the scenarios over HTTP (with reads of persons, replays
and a rejected registration, so error paths are logged too); on Kafka ``hub router run``
then publishes the agency topics; then the views are rebuilt from the log into
``views.sqlite``. Every byte of every file in the data directory (the embedded
log and its -wal, or the Kafka replica and its local file; the key store; the access store;
the views), every record of every topic on the broker, and everything the server printed
are searched for the scenarios' names and ID numbers; the views also for the scenarios' free
text (referral reasons, status reasons, case summaries), sealed there.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.access.tokens import AccessStore, Role
from hub.bootstrap import open_views
from hub.demo.driver import Driver
from hub.demo.scenarios import load_all
from projections import worker
from projections.referrals import Referrals
from tests.integration.privacy.conftest import ID_NUMBERS, NAMES, HubHome, found_in
from tests.support.tansu import answers, free_port

STARTUP_TIMEOUT = 60.0


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not answers(port):
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("hub serve did not start")
        time.sleep(0.2)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def exercise(client: httpx.Client, driver: Driver, ids: dict[str, Any]) -> None:
    """Reads that touch personal data and the auditor's endpoints, and one refused write."""
    persons = [v["person_id"] for v in ids.values() if isinstance(v, dict) and "person_id" in v]
    persons += [v["person_id"] for v in ids["scenario_2_a_and_ai"].values()]
    auditor = {
        "Authorization": f"Bearer {driver.tokens['auditor']}",
        "X-Purpose": "audit sample check",
    }
    for person_id in persons:
        assert client.get(f"/persons/{person_id}", headers=auditor).status_code == 200
    for key in ("scenario_3_zhou", "scenario_4_wang", "scenario_7_outbound"):
        case_id = ids[key]["case_id"]
        for fmt in ("json", "jsonl", "pdf"):
            answer = client.get(f"/audit/cases/{case_id}/replay?format={fmt}", headers=auditor)
            assert answer.status_code == 200
    assert client.get("/audit/access-log", headers=auditor).status_code == 200
    assert client.get("/audit/verify", headers=auditor).json()["ok"] is True
    # A registration refused by validation: the body (a name, a bad ID number) is not logged.
    bad = driver.client.post(
        "/persons",
        json={"id_number": ID_NUMBERS[2][:-1], "name": NAMES[0], "health": "妻儿后续治疗"},
        headers=driver._headers(driver.tokens[next(iter(driver.agencies))]),
    )
    assert bad.status_code == 422


@pytest.fixture(scope="module")
def served(home: HubHome, tmp_path_factory: pytest.TempPathFactory) -> Iterator[bytes]:
    """Runs the scenarios against ``hub serve``; yields what the server printed."""
    port = free_port()
    output = tmp_path_factory.mktemp("serve") / "output.txt"
    with output.open("wb") as sink:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "hub"),
                "serve",
                "--data-dir",
                str(home.data_dir),
                "--port",
                str(port),
            ],
            env={**os.environ, **home.env},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(port, server)
            access = AccessStore(home.settings.access_location())
            admin = access.issue(Role.ADMIN, None, "test administrator")
            access.close()
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                driver = Driver(client, admin)
                ids = load_all(driver)
                driver.add_auditor()
                exercise(client, driver, ids)
        finally:
            stop(server)
    if home.env:  # on Kafka: the agency topics, as the router publishes them
        home.cli("router", "run", "--once", check=True)
    services = home.open()  # the views, rebuilt from the log as the worker would
    store = open_views(home.settings)
    try:
        for name in worker.VIEWS:
            worker.rebuild(services.hub, store, name)
    finally:
        store.close()
        services.close()
    yield output.read_bytes()


def test_the_server_output_holds_no_personal_data(served: bytes) -> None:
    requests = [json.loads(line) for line in served.splitlines() if b'"request"' in line]
    posted = {(r.get("method"), r.get("route")) for r in requests}
    assert ("POST", "/persons") in posted  # the request log was captured
    assert found_in(served) == []


def test_no_file_of_the_hub_holds_personal_data(served: bytes, home: HubHome) -> None:
    files = [p for p in sorted(home.data_dir.rglob("*")) if p.is_file()]
    names = {p.name for p in files}
    assert {"keys.sqlite", "access.sqlite", "views.sqlite"} <= names
    assert "hub.sqlite" in names or "replica.sqlite" in names
    leaks = {str(p.relative_to(home.data_dir)): found_in(p.read_bytes()) for p in files}
    assert {k: v for k, v in leaks.items() if v} == {}
    # The scan reads what is there: the views hold agency names (not personal) in clear.
    assert "奎屯市".encode() in (home.data_dir / "views.sqlite").read_bytes()


def test_no_topic_on_the_broker_holds_personal_data(
    served: bytes, home: HubHome, log_kind: str
) -> None:
    if log_kind != "kafka":
        pytest.skip("the embedded log has no topics")
    from tests.integration.privacy.topics import read_every_topic

    records = read_every_topic(home.env["KAFKA_BOOTSTRAP_SERVERS"])
    log_topic = home.env["HUB_LOG_TOPIC"]
    assert len(records.get(log_topic, [])) > 100
    prefix = log_topic.rsplit(".", 1)[0]
    feeds = [t for t in records if t.startswith(f"{prefix}.agency.") and not t.endswith(".dlq")]
    assert len(feeds) >= 10 and all(records[t] for t in feeds)  # the router's records too
    leaks = {
        topic: found
        for topic, values in records.items()
        if (found := found_in(b"\x00".join(r.raw() for r in values)))
    }
    assert leaks == {}


#: free text the scenarios write: referral reasons, an answer's reason, a case summary
FREE_TEXT = (
    "刑事特困，依衔接机制需社会化救助",
    "医疗费用应由医疗救助解决",
    "申请司法救助",
    "因案致困，医疗费用无着落",
)


def test_the_views_hold_the_scenarios_free_text_only_sealed(served: bytes, home: HubHome) -> None:
    views = (home.data_dir / "views.sqlite").read_bytes()
    assert b"sealed:v1:" in views
    assert [t for t in FREE_TEXT if t.encode() in views] == []
    services = home.open()
    try:  # read back through the store, with the hub key: the text is there
        active = services.views.active_version("referrals")
        assert active is not None
        rows = Referrals(services.views, active[0]).read("SELECT reason FROM {referrals}")
    finally:
        services.close()
    assert FREE_TEXT[0] in {r["reason"] for r in rows}
