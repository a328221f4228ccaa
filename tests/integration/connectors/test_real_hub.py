"""The connector against the hub's real API (embedded log, served by uvicorn on a port).

Checks the contract from the connector's side with the hub's own feed endpoint and answer
endpoint: an SDK connector's answers move the referral to completed with the outcome in fen;
the batch export reads the reason and the person through the API; an import applies.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from connectors import Connector, FeedRecord, Outcome, Provision, Reply
from connectors.batch.jobs import export_referrals, import_answers, ledger_for
from connectors.details import HubDetails
from connectors.hubapi import HubClient
from connectors.settings import ConnectorSettings
from connectors.sinks.http import HttpReplySink
from connectors.wiring import build_parts, build_runner
from tests.integration.connectors.kafka_support import run_until
from tests.integration.connectors.sheets import read_csv, write_csv
from tests.support.tansu import free_port

AGENCIES = {
    "p": {"name": "测试县人民检察院", "kind": "procuratorate", "services": ["judicial-relief"]},
    "ca": {"name": "测试县民政局", "kind": "civil-affairs", "services": ["temporary-aid"]},
}


@dataclass
class Network:
    url: str
    ids: dict[str, str]
    tokens: dict[str, str]

    def post(self, who: str, path: str, body: Any) -> Any:
        headers = {
            "Authorization": f"Bearer {self.tokens[who]}",
            "Idempotency-Key": str(time.time_ns()),
        }
        response = httpx.post(self.url + path, json=body, headers=headers, timeout=10)
        assert response.status_code < 300, response.text
        return response.json()

    def get(self, who: str, path: str) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return httpx.get(self.url + path, headers=headers, timeout=10).json()

    def refer(self) -> str:
        body = {"id_number": "659001198001010019", "name": "测试当事人", "contact": "13900000000"}
        person = self.post("p", "/persons", body)["id"]
        consent = {
            "to_agencies": [self.ids["ca"]],
            "services": ["temporary-aid"],
            "evidence": "written",
            "on_behalf_of": "承办人",
        }
        self.post("p", f"/persons/{person}/consent", consent)
        referral = {
            "recipient_id": self.ids["ca"],
            "person_id": person,
            "reason": "生活困难，申请临时救助",
            "services": ["temporary-aid"],
            "on_behalf_of": "承办人",
        }
        return str(self.post("p", "/referrals", referral)["id"])


@pytest.fixture
def network(tmp_path: Path) -> Iterator[Network]:
    from hub.access.tokens import Role
    from hub.api.app import create_app
    from hub.bootstrap import build
    from hub.settings import Settings

    log = {
        "PERSISTENCE_MODULE": "hub.eventlog.sqlite:Factory",
        "SQLITE_DBNAME": str(tmp_path / "log.sqlite"),
    }
    services = build(Settings(data_dir=tmp_path / "hub"), log)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(services), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the hub did not start"
        time.sleep(0.02)
    net = Network(f"http://127.0.0.1:{port}", {}, {})
    net.tokens["admin"] = services.access.issue(Role.ADMIN, None, "admin")
    for short, agency in AGENCIES.items():
        body = agency | {"level": "county", "region_code": "659001"}
        net.ids[short] = net.post("admin", "/agencies", body)["id"]
    net.tokens["p"] = net.post(
        "admin", "/tokens", {"role": "staff", "agency_id": net.ids["p"], "label": "p"}
    )["token"]
    net.tokens["ca"] = net.post(
        "admin",
        "/tokens",
        {"role": "connector", "agency_id": net.ids["ca"], "label": "ca connector"},
    )["token"]
    yield net
    server.should_exit = True
    thread.join(10)
    services.close()


def settings_for(network: Network, tmp_path: Path) -> ConnectorSettings:
    return ConnectorSettings(
        agency_id=network.ids["ca"],
        hub_url=network.url,
        token=network.tokens["ca"],
        state_dir=tmp_path / "state",
        batch_dir=tmp_path / "files",
        poll_wait=0.5,
        backoff_base=0.02,
    )


class Relief(Connector):
    """Receives, accepts and completes each referral with 1,500 yuan of temporary aid."""

    def handle(self, record: FeedRecord) -> Iterable[Reply]:
        if not record.incoming:
            return []
        aid = Outcome(True, (Provision("money", "测试县民政局", 150000, "临时救助"),))
        return [
            record.reply("receive", "民政局系统"),
            record.reply("accept", "民政局系统"),
            record.reply("complete", "民政局系统", outcome=aid),
        ]


def test_an_sdk_connector_completes_a_referral_on_the_real_hub(
    network: Network, tmp_path: Path
) -> None:
    referral = network.refer()
    settings = settings_for(network, tmp_path)
    for _ in range(2):  # the second run starts from the durable cursor: nothing again
        parts = build_parts(settings)
        runner = build_runner(Relief(), parts, settings, threading.Event())
        run_until(runner.run_once, parts.source.caught_up)
        parts.close()
    seen = network.get("p", f"/referrals/{referral}")
    assert seen["status"] == "completed"
    assert seen["outcome"]["provisions"][0]["amount_fen"] == 150000
    history = network.get("p", f"/referrals/{referral}/history")
    assert len(history) == 4  # requested, received, accepted, completed: each once


def test_batch_export_reads_details_and_import_applies_on_the_real_hub(
    network: Network, tmp_path: Path
) -> None:
    referral = network.refer()
    settings = settings_for(network, tmp_path)
    parts = build_parts(settings)
    ledger = ledger_for(settings)
    sink = HttpReplySink(settings)
    try:
        exported = export_referrals(settings, parts, HubDetails(HubClient(settings)), ledger)
        rows = read_csv(exported.files[0])
        assert rows[1][0] == referral
        assert rows[1][3] == "生活困难，申请临时救助" and rows[1][6:8] == [
            "测试当事人",
            "13900000000",
        ]
        rows[1][9] = "拒绝"
        rows[1][10] = "不属于本单位职责范围"
        answers = write_csv(tmp_path / "answers.csv", rows)
        result = import_answers(answers, settings, sink, ledger)
    finally:
        sink.close()
        parts.close()
        ledger.close()
    assert result.applied == 1
    assert network.get("p", f"/referrals/{referral}")["status"] == "rejected"
