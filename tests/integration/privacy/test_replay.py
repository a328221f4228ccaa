"""Replay: a case as it stood at a time, every event with who and when, and its exports.

``replay_case(case_id, as_of)`` must show the earlier stage just before a step and the later
one from it on; JSON Lines has a header line and one line per event; the PDF is a PDF (its
cross-reference table points at its objects); the HTTP endpoint is for auditors only.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson

from hub.audit.export import to_jsonl
from hub.bootstrap import Services
from hub.demo import network as n
from hub.demo.driver import Driver
from tests.integration.privacy.conftest import HubHome


def case_events(replay: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in replay["events"] if e["kind"] == "AidCase"]


def test_as_of_just_before_and_at_a_step(services: Services, scenarios: dict[str, Any]) -> None:
    hub = services.hub
    case_id = UUID(scenarios["scenario_3_zhou"]["case_id"])
    now = hub.replay_case(case_id)
    assert [e["event"] for e in case_events(now)][3:8] == [
        "HearingHeld",
        "SubmittedForApproval",
        "MeetingRecorded",
        "ApprovalDecided",
        "ReliefGranted",
    ]
    # each step names the official who took it: the chief procurator approved
    approval = case_events(now)[6]
    assert approval["by"]["kind"] == "user" and approval["by"]["roles"] == ["chief_procurator"]
    for version in (4, 8):  # the hearing, the grant
        step = case_events(now)[version - 1]
        at = datetime.fromisoformat(step["at"])
        before = hub.replay_case(case_id, at - timedelta(microseconds=1))
        then = hub.replay_case(case_id, at)
        for replay, expected in ((before, version - 1), (then, version)):
            truth = hub.repository.get(case_id, version=expected).summary_dict()
            assert replay["case"]["version"] == expected
            assert replay["case"]["stage"] == truth["stage"]
            assert len(case_events(replay)) == expected
        assert before["case"]["stage"] != then["case"]["stage"]
    granted = datetime.fromisoformat(case_events(now)[7]["at"])
    assert hub.replay_case(case_id, granted - timedelta(microseconds=1))["case"]["granted_fen"] == 0
    assert hub.replay_case(case_id, granted)["case"]["granted_fen"] == 6_000_000
    first = datetime.fromisoformat(case_events(now)[0]["at"])
    empty = hub.replay_case(case_id, first - timedelta(seconds=1))
    assert empty["case"] is None and empty["events"] == []


def test_referrals_as_they_stood(services: Services, scenarios: dict[str, Any]) -> None:
    hub = services.hub
    case_id = UUID(scenarios["scenario_4_wang"]["case_id"])
    now = hub.replay_case(case_id)
    assert sorted(r["status"] for r in now["referrals"]) == ["completed"] * 4
    requested = [e for e in now["events"] if e["event"] == "Requested"]
    assert len(requested) == 4
    at = datetime.fromisoformat(requested[-1]["at"])
    then = hub.replay_case(case_id, at)
    assert sorted(r["status"] for r in then["referrals"]) == ["completed"] * 3 + ["requested"]
    assert all(datetime.fromisoformat(e["at"]) <= at for e in then["events"])
    assert then["verification"]["ok"] and then["verification"]["checked"] > 0


def test_every_event_says_who_and_when(services: Services, scenarios: dict[str, Any]) -> None:
    replay = services.hub.replay_case(UUID(scenarios["scenario_7_outbound"]["case_id"]))
    times = [e["at"] for e in replay["events"]]
    assert times == sorted(times)
    # who: the principal stamped from the credentials (the free-text fields are gone)
    assert all(e["by"] and e["by"]["kind"] == "user" for e in replay["events"])
    completed = [e for e in replay["events"] if e["details"].get("status") == "completed"]
    assert completed and completed[0]["by"]["roles"] == ["caseworker"]
    assert replay["agencies"][completed[0]["by"]["agency_id"]] == n.KUYTUN_MEDICAL_INSURANCE


def test_json_lines_one_header_and_one_line_per_event(
    services: Services, scenarios: dict[str, Any]
) -> None:
    replay = services.hub.replay_case(UUID(scenarios["scenario_4_wang"]["case_id"]))
    lines = to_jsonl(replay).decode().splitlines()
    assert len(lines) == 1 + len(replay["events"]) > 10
    header, *events = (orjson.loads(line) for line in lines)
    assert header["record"] == "case" and header["case"]["granted_fen"] == 2_000_000
    assert header["verification"]["ok"] is True
    assert [e["record"] for e in events] == ["event"] * len(events)
    assert [(e["stream"], e["version"]) for e in events] == [
        (e["stream"], e["version"]) for e in replay["events"]
    ]


def check_pdf(data: bytes) -> int:
    """A well-formed PDF: header, trailer, and an xref table that points at each object.

    Returns the number of pages. (pypdf is not a dependency of the project.)
    """
    assert data.startswith(b"%PDF-1.")
    assert data.rstrip().endswith(b"%%EOF")
    start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    assert data[start : start + 4] == b"xref"
    table = re.match(rb"xref\s+0 (\d+)\s+", data[start:])
    assert table
    entries = re.findall(rb"(\d{10}) (\d{5}) ([nf])", data[start : start + 40 + 20 * int(table[1])])
    assert len(entries) == int(table[1])
    for number, (offset, _, kind) in enumerate(entries):
        if kind == b"n":
            assert re.match(rb"%d 0 obj" % number, data[int(offset) :]), number
    return len(re.findall(rb"/Type\s*/Page\b", data))


def test_the_cli_exports_json_lines_and_a_pdf(
    home: HubHome, scenarios: dict[str, Any], tmp_path: Path
) -> None:
    case_id = scenarios["scenario_3_zhou"]["case_id"]
    own_replica = {"HUB_REPLICA_PATH": str(tmp_path / "replica.sqlite")}  # on Kafka
    jsonl, pdf = tmp_path / "replay.jsonl", tmp_path / "replay.pdf"
    for fmt, out in (("jsonl", jsonl), ("pdf", pdf)):
        home.cli(
            "audit", "replay", case_id, "--format", fmt, "-o", str(out), env=own_replica, check=True
        )
    lines = jsonl.read_bytes().splitlines()
    # his case's seven steps, the meeting and the approval, and the enterprise's referral for it
    # (requested, accepted, done)
    assert len(lines) == 1 + 9 + 3 and orjson.loads(lines[0])["case"]["stage"]
    assert check_pdf(pdf.read_bytes()) >= 1
    early = home.cli(
        "audit",
        "replay",
        case_id,
        "--format",
        "jsonl",
        "--as-of",
        orjson.loads(lines[4])["at"],
        env=own_replica,
        check=True,
    )
    assert len(early.stdout.splitlines()) == 1 + 4


def test_the_endpoint_is_for_auditors_only(
    driver: Driver, auditor: str, scenarios: dict[str, Any]
) -> None:
    case_id = scenarios["scenario_3_zhou"]["case_id"]
    path = f"/audit/cases/{case_id}/replay"
    staff = {"Authorization": f"Bearer {driver.tokens[n.KUYTUN_PROCURATORATE]}"}
    for fmt in ("json", "jsonl", "pdf"):
        refused = driver.client.get(f"{path}?format={fmt}", headers=staff)
        assert refused.status_code == 403
        assert refused.json()["type"] == "/problems/forbidden"
    assert driver.client.get("/audit/verify", headers=staff).status_code == 403
    allowed = {"Authorization": f"Bearer {driver.tokens[auditor]}"}
    answer = driver.client.get(path, headers=allowed)
    assert answer.status_code == 200 and answer.json()["case"]["disbursed_fen"] == 6_000_000
    pdf = driver.client.get(f"{path}?format=pdf&lang=en", headers=allowed)
    assert pdf.headers["content-type"] == "application/pdf" and check_pdf(pdf.content) >= 1
    lines = driver.client.get(f"{path}?format=jsonl", headers=allowed).content.splitlines()
    assert len(lines) == 1 + len(answer.json()["events"])
    as_of = answer.json()["events"][2]["at"]
    then = driver.client.get(path, params={"as_of": as_of}, headers=allowed).json()
    assert len(then["events"]) == 3
    naive = driver.client.get(path, params={"as_of": as_of[:19]}, headers=allowed)
    assert naive.status_code == 422


def test_as_of_on_business_dates(services: Services, scenarios: dict[str, Any]) -> None:
    """Zhou's lead was received on 2021-08-10 and his relief paid at the ceremony of 2021-10-20
    (all recorded today): as of 2021-12-31 on business dates the case stands paid, as of
    2021-09-01 reviewed; on recorded time it did not exist yet; the answer says which time it
    used."""
    from datetime import timezone

    hub = services.hub
    case_id = UUID(scenarios["scenario_3_zhou"]["case_id"])
    china = timezone(timedelta(hours=8))
    end_2021 = datetime(2021, 12, 31, 23, 59, tzinfo=china)
    business = hub.replay_case(case_id, end_2021, "business")
    recorded = hub.replay_case(case_id, end_2021, "recorded")
    assert (business["as_of_basis"], recorded["as_of_basis"]) == ("business", "recorded")
    assert [e["event"] for e in case_events(business)] == [
        "LeadReceived",
        "InquiryRecorded",
        "Reviewed",
        "HearingHeld",
        "SubmittedForApproval",
        "MeetingRecorded",
        "ApprovalDecided",
        "ReliefGranted",
        "ReliefDisbursed",
    ]
    assert business["case"]["stage"] == "disbursed"
    september = hub.replay_case(case_id, datetime(2021, 9, 1, 12, tzinfo=china), "business")
    assert september["case"]["stage"] == "reviewed"
    assert recorded["case"] is None and recorded["events"] == []
    the_day_before = hub.replay_case(case_id, datetime(2021, 8, 9, 12, tzinfo=china), "business")
    assert the_day_before["case"] is None
    assert (
        hub.replay_case(case_id, None, "business")["events"] == hub.replay_case(case_id)["events"]
    )
