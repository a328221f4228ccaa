"""The access log: every read of personal data is an event of its own; auditors list it.

A read through the API records the reader, their role and agency, the purpose given in the
``X-Purpose`` header (``casework`` without one) and the channel; ``hub person show`` records
a read through the command line. Only auditors (and administrators) list the log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hub.bootstrap import Services
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.demo.scenarios import load_all
from tests.integration.privacy.conftest import HubHome, driver_for, new_home

P = n.KUYTUN_PROCURATORATE


def entries(driver: Driver, auditor: str, person_id: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {driver.tokens[auditor]}"}
    answer = driver.client.get(f"/audit/access-log?person_id={person_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()
    assert all(e["person_id"] == person_id for e in found)
    return found


def read(driver: Driver, who: str, person_id: str, purpose: str | None) -> dict[str, Any]:
    """Reads as ``who``: an agency's first named official, or the auditor's token."""
    headers = {"Authorization": f"Bearer {driver.token(who)}"}
    if purpose is not None:
        headers["X-Purpose"] = purpose
    answer = driver.client.get(f"/persons/{person_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


@pytest.mark.parametrize("purpose", ["referral follow-up visit", None])
def test_a_staff_read_is_recorded_with_reader_purpose_and_channel(
    driver: Driver, auditor: str, scenarios: dict[str, Any], purpose: str | None
) -> None:
    person_id = scenarios["scenario_4_wang"]["person_id"]
    before = entries(driver, auditor, person_id)
    assert read(driver, P, person_id, purpose)["name"] == "王某"
    after = entries(driver, auditor, person_id)
    assert len(after) == len(before) + 1
    new = after[-1]
    assert new["reader"] == driver.officials[(P, "case_officer")].name
    assert new["role"] == "staff" and new["agency_id"] == driver.id(P)
    assert new["purpose"] == (purpose or "casework")
    assert new["channel"] == "api"
    assert new["at"] and new["id"]


def test_the_auditors_own_reads_are_recorded(
    driver: Driver, auditor: str, scenarios: dict[str, Any]
) -> None:
    person_id = scenarios["scenario_5_ye"]["person_id"]
    read(driver, auditor, person_id, "annual audit")
    last = entries(driver, auditor, person_id)[-1]
    official = next(o for (_, role), o in driver.officials.items() if role == "auditor")
    assert (last["reader"], last["role"], last["agency_id"], last["purpose"]) == (
        official.name,  # the auditor is a named official who signed in
        "auditor",
        driver.id(official.agency),
        "annual audit",
    )


def test_reading_aid_or_cases_is_not_a_read_of_personal_data(
    driver: Driver, auditor: str, scenarios: dict[str, Any]
) -> None:
    ids = scenarios["scenario_5_ye"]
    before = entries(driver, auditor, ids["person_id"])
    driver.get(n.MORI_PROCURATORATE, f"/persons/{ids['person_id']}/aid")
    driver.get(n.MORI_PROCURATORATE, f"/cases/{ids['case_id']}")
    assert entries(driver, auditor, ids["person_id"]) == before


def test_staff_cannot_list_the_access_log(driver: Driver, scenarios: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {driver.tokens[P]}"}
    for path in (
        "/audit/access-log",
        f"/audit/access-log?person_id={scenarios['scenario_4_wang']['person_id']}",
    ):
        refused = driver.client.get(path, headers=headers)
        assert refused.status_code == 403
        assert refused.json()["type"] == "/problems/forbidden"


def test_the_access_log_is_unfiltered_for_an_auditor_without_person(
    driver: Driver, auditor: str, services: Services, scenarios: dict[str, Any]
) -> None:
    headers = {"Authorization": f"Bearer {driver.tokens[auditor]}"}
    everything = driver.client.get("/audit/access-log", headers=headers).json()
    assert {e["person_id"] for e in everything} >= {
        scenarios["scenario_4_wang"]["person_id"],
        scenarios["scenario_5_ye"]["person_id"],
    }
    assert everything == services.hub.access_log()


def test_a_read_through_the_command_line_is_recorded(
    log_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """On a hub of its own: on Kafka a command that records a read is a second writer, so
    the hub that ran the scenarios is closed first (single writer)."""
    home: HubHome = new_home(log_kind, tmp_path / "hub", request)
    services = home.open()
    try:
        d = driver_for(services)
        person_id = load_all(d)["scenario_3_zhou"]["person_id"]
    finally:
        services.close()
    shown = home.cli(
        "person",
        "show",
        person_id,
        "--purpose",
        "核查身份",
        "--by",
        "系统管理员",
        "--offline",
        check=True,
    )
    assert "周某" in shown.stdout  # an administrator sees everything, on the record
    services = home.open()
    try:
        log = services.hub.access_log(person_id)
    finally:
        services.close()
    assert [(e["reader"], e["role"], e["purpose"], e["channel"]) for e in log] == [
        ("系统管理员", "admin", "核查身份", "cli")
    ]


def test_on_kafka_writing_commands_send_operators_to_the_api(tmp_path: Path) -> None:
    """A CLI command that writes would fence the running hub on Kafka: it refuses by default."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9", "HUB_DATA_DIR": str(tmp_path)}
    person = "00000000-0000-0000-0000-000000000001"
    for args in (
        ["person", "erase", person, "--legal-basis", "x", "--by", "y"],
        ["person", "show", person, "--purpose", "x", "--by", "y"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "hub", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 1
        assert "single writer" in done.stderr and "--offline" in done.stderr
