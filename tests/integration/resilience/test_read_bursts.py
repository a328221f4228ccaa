"""Reads of personal data appended in bursts, none lost: each read kept before it is answered.

In process (both logs): reads append nothing until the flush, which appends one event per
reader; the access log lists every read before and after, with who, when and why; a flush
that died between its append and its clean-up is finished by the next one without counting
a read twice. Against a real ``hub serve``: reads answered just before a kill -9 are all in
the access log after the restart, and in the log once it flushed.
"""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.audit import PersonalDataReads
from hub.access.read_log import events_of
from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.settings import Settings
from tests.integration.api.conftest import AGENCIES, id_number
from tests.integration.resilience.serve import HubServer, hub_env
from tests.support.officials import auditor_session

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def world(log_env: dict[str, str], tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A hub whose read log flushes only when told, a procuratorate, an auditor, a person."""
    settings = Settings(data_dir=tmp_path / "hub", access_log_flush_seconds=3600)
    services = build(settings, log_env)
    admin = services.access.issue(Role.ADMIN, None, "test administrator")
    with TestClient(create_app(services)) as client:
        headers = {"Authorization": f"Bearer {admin}"}

        def ok(token_headers: dict[str, str], path: str, body: Any) -> Any:
            answer = client.post(
                path, json=body, headers={**token_headers, "Idempotency-Key": uuid.uuid4().hex}
            )
            assert answer.status_code < 300, answer.text
            return answer.json()

        agency = ok(headers, "/agencies", AGENCIES["p"])["id"]
        staff = ok(headers, "/tokens", {"role": "staff", "agency_id": agency, "label": "承办人"})
        p = {"Authorization": f"Bearer {staff['token']}"}
        auditor = auditor_session(client, admin, agency)
        person = ok(p, "/persons", {"id_number": id_number(), "name": "测试当事人"})["id"]
        yield {
            "services": services,
            "client": client,
            "p": p,
            "auditor": {"Authorization": f"Bearer {auditor}"},
            "person": person,
        }
    services.close()


def bursts(services: Services) -> list[Any]:
    return list(services.hub.scan(PersonalDataReads.Recorded))


def test_reads_append_nothing_until_their_burst_which_keeps_each_read(
    world: dict[str, Any],
) -> None:
    services, client, person = world["services"], world["client"], world["person"]
    hub = services.hub
    before = hub.recorder.max_notification_id()
    for i in range(20):
        purpose = f"follow-up%20{i}"
        answer = client.get(f"/persons/{person}", headers={**world["p"], "X-Purpose": purpose})
        assert answer.status_code == 200
    for _ in range(5):
        assert client.get(f"/persons/{person}", headers=world["auditor"]).status_code == 200
    assert hub.recorder.max_notification_id() == before  # nothing appended per read
    listed = client.get(f"/audit/access-log?person_id={person}", headers=world["auditor"]).json()
    assert len(listed) == 25
    assert [e["purpose"] for e in listed[:20]] == [f"follow-up {i}" for i in range(20)]
    assert {e["reader"] for e in listed} == {"承办人", "测试审计员"}  # the auditor, by name

    assert hub.read_log is not None and hub.read_log.flush() == 25
    assert hub.recorder.max_notification_id() == (before or 0) + 2  # one event per reader
    assert sorted(len(e.reads) for e in bursts(services)) == [5, 20]
    after = client.get(f"/audit/access-log?person_id={person}", headers=world["auditor"]).json()
    assert after == listed  # the same reads, same ids, times and purposes, now from the log
    assert hub.read_log.pending() == [] and hub.read_log.flush() == 0


def test_a_flush_that_died_after_appending_is_finished_without_double_counting(
    world: dict[str, Any],
) -> None:
    services, client, person = world["services"], world["client"], world["person"]
    read_log = services.hub.read_log
    assert read_log is not None
    for _ in range(3):
        assert client.get(f"/persons/{person}", headers=world["p"]).status_code == 200
    # the first steps of a flush, then "death": the burst named and appended, rows not deleted
    db = read_log._db  # the test plays the flush's own steps
    burst = uuid.uuid4()
    db.run("UPDATE hub_pending_reads SET burst = ? WHERE burst IS NULL", (str(burst),))
    rows = db.run(
        "SELECT id, person_id, reader, role, agency_id, purpose, channel, at FROM hub_pending_reads"
    )
    services.hub.save(*events_of(burst, rows))
    position = services.hub.recorder.max_notification_id()
    listed = client.get(f"/audit/access-log?person_id={person}", headers=world["auditor"]).json()
    assert len(listed) == 3  # listed once, though both in the log and still in the table

    assert read_log.flush() == 3  # the next flush finds the burst in the log
    assert services.hub.recorder.max_notification_id() == position  # appended nothing more
    assert read_log.pending() == []
    again = client.get(f"/audit/access-log?person_id={person}", headers=world["auditor"]).json()
    assert again == listed


def test_reads_answered_before_a_kill_9_are_all_recorded(tmp_path: Path) -> None:
    server = HubServer(hub_env(tmp_path, HUB_ACCESS_LOG_FLUSH_SECONDS="1"))
    admin = server.cli("token", "issue", "--role", "admin")
    base = server.base
    server.start()
    try:
        client = httpx.Client(base_url=base, timeout=30)
        as_admin = {"Authorization": f"Bearer {admin}"}
        key = {"Idempotency-Key": "a"}
        agency = client.post("/agencies", json=AGENCIES["p"], headers={**as_admin, **key})
        body = {"role": "staff", "agency_id": agency.json()["id"], "label": "承办人"}
        staff = client.post("/tokens", json=body, headers=as_admin).json()["token"]
        auditor = auditor_session(client, admin, agency.json()["id"])
        p = {"Authorization": f"Bearer {staff}"}
        person = client.post(
            "/persons",
            json={"id_number": id_number(), "name": "测试当事人"},
            headers={**p, **key},
        ).json()["id"]
        answered = 0
        started = time.monotonic()
        while time.monotonic() - started < 2.5:  # reads across a few bursts
            assert client.get(f"/persons/{person}", headers=p).status_code == 200
            answered += 1
        server.kill()  # right after the last answer
        server.start()
        as_auditor = {"Authorization": f"Bearer {auditor}"}
        listed = client.get(f"/audit/access-log?person_id={person}", headers=as_auditor).json()
        assert len(listed) == answered  # every answered read, none twice
        assert len({e["id"] for e in listed}) == answered
    finally:
        server.stop()  # a clean stop flushes what waits

    services = build(Settings(data_dir=tmp_path))
    try:
        assert services.hub.read_log is not None and services.hub.read_log.pending() == []
        in_log = bursts(services)
        reads = [r["id"] for e in in_log for r in e.reads]
        print(f"{answered} reads answered, {len(in_log)} events in the log")
        assert sorted(reads) == sorted(e["id"] for e in listed)
        assert len(in_log) < answered / 5  # bursts, not one event per read
    finally:
        services.close()


def test_only_the_process_that_serves_appends_waiting_reads(tmp_path: Path) -> None:
    """A command-line process on the same data (``hub token issue``) leaves them alone, so on
    Kafka it never takes the log's writer from the server."""
    settings = Settings(data_dir=tmp_path, access_log_flush_seconds=3600)
    serving = build(settings)
    try:
        assert serving.hub.read_log is not None
        for purpose in ("a", "b", "c"):
            serving.hub.record_personal_read(uuid.uuid4(), "承办人", "staff", None, purpose, "api")
        position = serving.hub.recorder.max_notification_id()
        other = build(settings)
        assert other.hub.read_log is not None and len(other.hub.read_log.pending()) == 3
        other.close()
        assert serving.hub.recorder.max_notification_id() == position
        assert len(serving.hub.read_log.pending()) == 3
    finally:
        serving.close()  # the serving process appends them on its way out
    again = build(settings)
    try:
        assert again.hub.read_log is not None and again.hub.read_log.pending() == []
        assert [len(e.reads) for e in bursts(again)] == [3]
    finally:
        again.close()
