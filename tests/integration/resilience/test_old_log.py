"""A log written by the code before idempotent answers and read bursts still reads the same.

``tests/fixtures/main-af50948`` was written by main at af50948 (see
``tests/fixtures/make_main_af50948.py``): reads of personal data as events of their own, and a
referral whose first answer lives in the access store. The code now lists the same access
log, replays the old answer for the old key, and adds new reads after the old ones.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Any

from hub.api.app import create_app
from hub.bootstrap import build
from hub.settings import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

FIXTURE = Path(__file__).parents[2] / "fixtures" / "main-af50948"


def test_an_old_log_reads_the_same_and_replays_its_old_answers(tmp_path: Path) -> None:
    data_dir = tmp_path / "hub"
    shutil.copytree(FIXTURE, data_dir)
    expected: dict[str, Any] = json.loads((FIXTURE / "expected.json").read_text())
    tokens = {k: {"Authorization": f"Bearer {v}"} for k, v in expected["tokens"].items()}
    services = build(Settings(data_dir=data_dir, access_log_flush_seconds=3600))
    try:
        with TestClient(create_app(services)) as client:
            assert services.hub.recorder.max_notification_id() == expected["log_position"]
            log = client.get("/audit/access-log", headers=tokens["auditor"]).json()
            assert log == expected["access_log"]

            # the body as that hub's clients sent it names who acted, which is now refused
            # (who acted comes from the credentials) and writes nothing
            refused = client.post(
                "/referrals",
                json=expected["referral_body"],
                headers={**tokens["p"], "Idempotency-Key": expected["referral_key"]},
            )
            assert refused.status_code == 422
            assert refused.json()["type"].endswith("/who-acted-from-credentials")
            assert services.hub.recorder.max_notification_id() == expected["log_position"]
            # ... and what that hub acknowledged is there, read as it answered then
            made = expected["referral_answer"]["id"]
            again = client.get(f"/referrals/{made}", headers=tokens["p"])
            assert again.status_code == 200 and again.json()["id"] == made
            assert again.json()["on_behalf_of"] == expected["referral_body"]["requested_by"]

            person = expected["person"]
            read = client.get(f"/persons/{person}", headers={**tokens["p"], "X-Purpose": "new"})
            assert read.status_code == 200 and read.json()["name"] == "旧当事人"
            assert services.hub.read_log is not None and services.hub.read_log.flush() == 1
            after = client.get("/audit/access-log", headers=tokens["auditor"]).json()
            assert after[:-1] == expected["access_log"]
            assert after[-1]["purpose"] == "new" and after[-1]["reader"] == "旧承办人"
    finally:
        services.close()
