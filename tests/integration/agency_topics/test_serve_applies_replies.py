"""``hub serve`` on the Kafka log is the single writer and applies agencies' answers itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import orjson
import pytest
from kafka import KafkaProducer

from tests.support.tansu import free_port

pytestmark = pytest.mark.kafka


def test_hub_serve_applies_replies_from_kafka(kafka_bootstrap: str, tmp_path: Path) -> None:
    prefix = f"serve-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "HUB_LOG_TOPIC": f"{prefix}.events",
        "HUB_DATA_DIR": str(tmp_path),
    }
    hub = [sys.executable, "-m", "hub"]
    port = free_port()
    server = subprocess.Popen([*hub, "serve", "--port", str(port)], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        admin = subprocess.run(
            [*hub, "token", "issue", "--role", "admin"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        http = httpx.Client(base_url=base, timeout=30)

        def post(token: str, path: str, body: dict[str, object]) -> dict[str, object]:
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
            answer = http.post(path, json=body, headers=headers)
            assert answer.status_code < 300, answer.text
            return answer.json()  # type: ignore[no-any-return]

        ids, tokens = {}, {}
        for name, kind, services in (
            ("奎屯市人民检察院", "procuratorate", ["judicial-relief"]),
            ("奎屯市义工协会", "volunteer-association", ["counselling"]),
        ):
            ids[name] = post(
                admin,
                "/agencies",
                {
                    "name": name,
                    "kind": kind,
                    "level": "county",
                    "region_code": "654003",
                    "services": services,
                },
            )["id"]
            tokens[name] = post(
                admin,
                "/tokens",
                {
                    "role": "connector",
                    "agency_id": ids[name],
                    "label": name,
                },
            )["token"]
        p, v = "奎屯市人民检察院", "奎屯市义工协会"
        person = post(tokens[p], "/persons", {"id_number": "654003199912120019", "name": "测试"})[
            "id"
        ]
        post(
            tokens[p],
            f"/persons/{person}/consent",
            {
                "to_agencies": [ids[v]],
                "services": ["counselling"],
                "evidence": "written",
                "on_behalf_of": "承办人",
            },
        )
        referral = post(
            tokens[p],
            "/referrals",
            {
                "recipient_id": ids[v],
                "person_id": person,
                "reason": "心理疏导",
                "services": ["counselling"],
                "on_behalf_of": "承办检察官",
            },
        )["id"]
        producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        reply = {
            "idempotency_key": "k1",
            "agency_id": ids[v],
            "referral_id": referral,
            "action": "accept",
            "on_behalf_of": "义工协会系统",
        }
        # the agency was registered after the server started: its topic is followed anyway
        producer.send(
            f"{prefix}.replies.{ids[v]}",
            key=str(referral).encode(),
            value=orjson.dumps(reply),
            headers=[("idempotency_key", b"k1")],
        ).get(timeout=10)
        producer.close()
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and status != "accepted":
            time.sleep(0.3)
            status = http.get(
                f"/referrals/{referral}", headers={"Authorization": f"Bearer {tokens[p]}"}
            ).json()["status"]
        assert status == "accepted"
        # The API still writes: the reply applier shares the one writer instead of fencing it.
        post(tokens[v], f"/referrals/{referral}/start", {"on_behalf_of": "义工"})
    finally:
        server.terminate()
        server.wait(timeout=20)
