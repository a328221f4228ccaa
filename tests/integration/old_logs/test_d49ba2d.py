"""A log written by the hub of d49ba2d (officials stamped on every event, the free-text "who"
fields typed beside) loads as it did then, and shows who acted.

Everything that code read back reads the same, but that the free-text ``requested_by``,
``actor``, ``recorded_by`` and ``officer`` read now as the ``on_behalf_of`` note, as recorded;
each event still names the official (or the connector) whose credentials recorded it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner

from domain.officials import describe
from hub.audit.export import who
from hub.bootstrap import Services
from hub.cli import app, common
from tests.integration.old_logs.who import NOTED, assert_free_text_reads_as_the_note, renamed
from tests.support.old_logs import open_old_log

COMMIT = "d49ba2d"
#: the free-text field of each event's details then, by its new name now
DETAIL_RENAMES = {old: "on_behalf_of" for old in set(NOTED.values())}


def test_the_log_still_verifies(services: Services, old: dict[str, Any]) -> None:
    report = services.hub.verify_log()
    assert report.ok, report.findings
    assert report.checked == old["log_position"]


def test_persons_cases_referrals_and_aid_read_as_before(
    services: Services, old: dict[str, Any]
) -> None:
    hub = services.hub
    for person_id, then in old["persons"].items():
        assert hub.get_person(UUID(person_id)) == renamed(then)
    for referral_id, then in old["referrals"].items():
        assert hub.get_referral(UUID(referral_id)) == renamed(then)
    for case_id, then in old["cases"].items():
        assert hub.get_case(UUID(case_id)) == renamed(then)
    for person_id, then in old["aid"].items():
        assert hub.person_aid(UUID(person_id)) == then


def test_each_event_names_who_acted_as_then_and_its_free_text_as_the_note(
    services: Services, old: dict[str, Any]
) -> None:
    """Every referral and case event: the same official (or connector) as then, from the
    stamp; its details the same but that the free text typed then is the note now."""
    hub = services.hub
    for aggregate, then in old["histories"].items():
        now = hub.history(UUID(aggregate))
        assert [e["event"] for e in now] == [e["event"] for e in then]
        for entry, before in zip(now, then, strict=True):
            assert entry["by"] == before["by"] and entry["by"]["kind"] in ("user", "connector")
            details = {DETAIL_RENAMES.get(k, k): v for k, v in before["details"].items()}
            assert entry["details"] == details
            field = NOTED.get(entry["event"])
            typed = before["details"].get(field) if field else None
            assert entry["on_behalf_of"] == (typed or None)
    assert assert_free_text_reads_as_the_note(services, old) > 0


def test_the_seven_scenarios_histories_name_their_officials(
    services: Services, old: dict[str, Any]
) -> None:
    """Each step of every case was taken by a named official of its procuratorate, with the
    role the step needs; the referrals' answers by the recipient's caseworker."""
    hub = services.hub
    steps = {"SubmittedForApproval": "case_officer", "InquiryRecorded": "case_officer"}
    for case_id, case in old["cases"].items():
        for entry in hub.history(UUID(case_id)):
            by = entry["by"]
            assert by["kind"] == "user" and by["name"] and by["user_id"]
            assert by["agency_id"] == case["procuratorate_id"]
            if entry["event"] in steps:
                assert steps[entry["event"]] in by["roles"]
            if entry["event"] == "ApprovalDecided":
                assert {"department_head", "chief_procurator"} & set(by["roles"])
    reply = old["scenarios"]["connector_reply"]["referral_id"]
    for referral_id in old["referrals"]:
        for entry in hub.history(UUID(referral_id))[1:]:
            if entry["event"] == "StatusChanged" and referral_id != reply:
                assert entry["by"]["kind"] == "user"
                assert entry["by"]["agency_id"] == entry["details"]["by_agency"]


def test_the_connectors_reply_names_the_connector_and_the_caseworker_as_the_note(
    services: Services, old: dict[str, Any]
) -> None:
    referral = old["scenarios"]["connector_reply"]["referral_id"]
    received = services.hub.history(UUID(referral))[-1]
    assert (received["event"], received["by"]["kind"]) == ("StatusChanged", "connector")
    assert received["by"]["user_id"] is None
    assert received["on_behalf_of"] == "民政局窗口 张某"
    assert who(received, "zh") == "接口程序 / connector（connector）代民政局窗口 张某"


def test_the_replay_and_hub_case_show_name_the_official_and_the_note(
    services: Services, old: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replay (JSON, PDF's column) and ``hub case show`` give each step's official with
    role, and the on-behalf-of note it carries (the text typed then, as recorded)."""
    case_id = old["scenarios"]["scenario_4_wang"]["case_id"]
    replay = services.hub.replay_case(UUID(case_id))
    inquiry = next(e for e in replay["events"] if e["event"] == "InquiryRecorded")
    by = inquiry["by"]
    assert inquiry["on_behalf_of"] == "承办检察官"  # the officer typed then
    shown = f"{describe(by['name'], by['roles'], 'zh')}代承办检察官"
    assert who(inquiry, "zh") == shown
    assert by["name"] in shown and "承办检察官" in describe(by["name"], by["roles"], "zh")
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "HUB_KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    open_old_log(COMMIT, tmp_path).close()  # a copy of its own for the command line
    monkeypatch.setattr(common.console, "width", 400)  # one line per cell, as a wide terminal
    result = CliRunner().invoke(app, ["case", "show", case_id, "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert shown in result.output
    as_json = CliRunner().invoke(
        app, ["case", "show", case_id, "--json", "--data-dir", str(tmp_path)]
    )
    history = json.loads(as_json.output)["history"]
    shown_inquiry = next(e for e in history if e["event"] == "InquiryRecorded")
    assert (shown_inquiry["by"], shown_inquiry["on_behalf_of"]) == (by, "承办检察官")
