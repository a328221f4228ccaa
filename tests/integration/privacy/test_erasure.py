"""Erasure (crypto-shredding): ``hub person erase`` destroys 周某's data key (scenario 3).

The hub that ran the seven scenarios is closed, an administrator erases the person with the
``hub`` command on the same data directory, and a new hub opens on it. The person then reads
as erased; the case, the referral, their histories, the combined aid and the agency feed read
exactly as before; views rebuilt from the log give the same totals; the log still verifies;
and nothing personal can be written for the person again.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest

from domain.errors import InvalidValue
from domain.person import Person
from hub.api.app import create_app
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.demo.scenarios import load_all
from hub.vault.keystore import PersonErased
from projections import worker
from projections.person_aid import person_aid
from projections.stores import open_store
from tests.integration.privacy.conftest import HubHome, driver_for, found_in

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

P, DONOR = n.KUYTUN_PROCURATORATE, n.KUYTUN_CITY_INVESTMENT
ZHOU_ID_NUMBER = "65400319800510001X"


def snapshot(d: Driver, ids: dict[str, Any]) -> dict[str, Any]:
    """Everything of Zhou's case that must survive the erasure, as the parties read it."""
    case, referral = ids["case_id"], ids["referral_id"]
    return {
        "case": d.get(P, f"/cases/{case}"),
        "case_history": d.get(P, f"/cases/{case}/history"),
        "referral": d.get(DONOR, f"/referrals/{referral}"),
        "referral_history": d.get(DONOR, f"/referrals/{referral}/history"),
        "aid": d.get(P, f"/persons/{ids['person_id']}/aid"),
        "feed": d.get(DONOR, f"/agencies/{d.id(DONOR)}/feed?after=0"),
    }


@pytest.fixture(scope="module")
def erased(home: HubHome) -> Iterator[dict[str, Any]]:
    """Scenarios, a snapshot, ``hub person erase`` from the command line, a reopened hub."""
    first = home.open()
    try:
        d = driver_for(first)
        everything = load_all(d)
        ids = everything["scenario_3_zhou"]
        before = snapshot(d, ids)
        position = first.hub.recorder.max_notification_id()
    finally:
        first.close()
    done = home.cli(
        "person",
        "erase",
        ids["person_id"],
        "--legal-basis",
        "《个人信息保护法》第四十七条",
        "--by",
        "系统管理员",
        "--offline",  # the hub above is closed: on Kafka no other writer runs
    )
    assert done.returncode == 0, done.stdout + done.stderr
    services = home.open()
    try:
        client = TestClient(create_app(services))
        again = Driver(client, d.admin_token, tokens=d.tokens, agencies=d.agencies)
        yield {
            "ids": ids,
            "wang": everything["scenario_4_wang"],
            "before": before,
            "position": position,
            "reopened_at": services.hub.recorder.max_notification_id(),
            "services": services,
            "driver": again,
        }
    finally:
        services.close()


def test_the_person_reads_as_erased(erased: dict[str, Any]) -> None:
    d: Driver = erased["driver"]
    person_id = erased["ids"]["person_id"]
    for who in (P, DONOR):
        assert d.get(who, f"/persons/{person_id}") == {"id": person_id, "erased": True}
    hub = erased["services"].hub
    assert hub.is_erased(person_id)
    person = hub.get_person(person_id)
    assert all(person[f] is None for f in ("name", "id_number", "contact", "health", "family"))
    # Shredded, not just marked: the person as first registered has no readable details.
    assert hub.keys.data_key(person_id) is None
    registered = hub.repository.get(UUID(person_id), version=1)
    assert (registered.name, registered.id_number, registered.family) == (None, None, None)


def test_the_erasure_is_one_event_with_its_legal_basis(erased: dict[str, Any]) -> None:
    hub = erased["services"].hub
    assert erased["reopened_at"] == erased["position"] + 1
    last = list(hub.events.get(UUID(erased["ids"]["person_id"])))[-1]
    assert isinstance(last, Person.Erased)
    assert (last.legal_basis, last.erased_by) == ("《个人信息保护法》第四十七条", "系统管理员")


def test_cases_referrals_amounts_and_feed_read_as_before(erased: dict[str, Any]) -> None:
    before = erased["before"]
    after = snapshot(erased["driver"], erased["ids"])
    assert after == before
    assert after["case"]["granted_fen"] == after["case"]["disbursed_fen"] == 6_000_000
    assert after["aid"]["totals"]["social_by_provider_fen"] == {DONOR: 3_100_000}
    assert len(after["case_history"]) == 9 and len(after["referral_history"]) >= 3


def test_views_rebuilt_from_the_log_keep_the_totals(erased: dict[str, Any], tmp_path: Path) -> None:
    hub = erased["services"].hub
    store = open_store(str(tmp_path / "views.sqlite"))
    try:
        for name in worker.VIEWS:
            worker.rebuild(hub, store, name)
        rebuilt = person_aid(store, erased["ids"]["person_id"])
    finally:
        store.close()
    totals = erased["before"]["aid"]["totals"]  # the hub's own query, before the erasure
    assert {k: rebuilt["totals"].get(k) for k in totals} == totals
    assert rebuilt["totals"]["by_provider_fen"][DONOR] == 3_100_000
    assert found_in((tmp_path / "views.sqlite").read_bytes()) == []


def test_the_log_still_verifies(erased: dict[str, Any], home: HubHome, tmp_path: Path) -> None:
    # On Kafka the command reads the topic into a replica of its own.
    done = home.cli("audit", "verify", env={"HUB_REPLICA_PATH": str(tmp_path / "r.sqlite")})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "校验通过" in done.stdout
    replay = erased["services"].hub.replay_case(erased["ids"]["case_id"])
    assert replay["verification"]["ok"] and replay["case"]["disbursed_fen"] == 6_000_000


def test_nothing_personal_is_written_for_the_erased_person(
    erased: dict[str, Any], home: HubHome
) -> None:
    d: Driver = erased["driver"]
    hub = erased["services"].hub
    person_id = erased["ids"]["person_id"]
    position = hub.recorder.max_notification_id()
    # Registering the same ID number again finds the erased person and records nothing.
    body = {"id_number": ZHOU_ID_NUMBER, "name": "周某", "health": "妻儿后续治疗"}
    assert d.post(P, "/persons", body)["id"] == person_id
    consent = {"to_kinds": ["enterprise"], "services": ["donation"], "evidence": "written"}
    consent["recorded_by"] = "承办人"
    refused = d.client.post(
        f"/persons/{person_id}/consent", json=consent, headers=d._headers(d.tokens[P])
    )
    assert refused.status_code == 422, refused.text
    with pytest.raises(InvalidValue):
        hub.update_person(person_id, name="周某", contact="13900000000")
    # Below the domain's rule, the mapper refuses to seal personal fields with no key.
    person = hub.load(Person, person_id)
    person._update_details({"name": "周某"})
    with pytest.raises(PersonErased):
        hub.save(person)
    assert hub.recorder.max_notification_id() == position
    assert d.get(P, f"/persons/{person_id}") == {"id": person_id, "erased": True}
    log_files = [p for p in home.data_dir.iterdir() if p.name.startswith(("hub.", "replica."))]
    assert log_files and all(found_in(p.read_bytes()) == [] for p in log_files)


def test_the_api_erases_for_administrators_only(erased: dict[str, Any]) -> None:
    d: Driver = erased["driver"]
    wang = erased["wang"]
    path = f"/persons/{wang['person_id']}/erase"
    body = {"legal_basis": "本人申请删除"}
    staff = d.client.post(path, json=body, headers=d._headers(d.tokens[P]))
    assert staff.status_code == 403, staff.text
    named = {**body, "erased_by": "系统管理员"}  # who erases comes from the credentials only
    refused = d.client.post(path, json=named, headers=d._headers(d.admin_token))
    assert refused.status_code == 422, refused.text
    assert refused.json()["type"] == "/problems/who-acted-from-credentials"
    assert d.get(P, f"/persons/{wang['person_id']}")["name"] == "王某"
    case_before = d.get(P, f"/cases/{wang['case_id']}")
    key = d._headers(d.admin_token)
    for _ in range(2):  # a retry with the same key answers the same, erases once
        done = d.client.post(path, json=body, headers=key)
        assert done.status_code == 200, done.text
    assert d.get(P, f"/persons/{wang['person_id']}") == {"id": wang["person_id"], "erased": True}
    assert d.get(P, f"/cases/{wang['case_id']}") == case_before
    erasures = [
        e
        for e in erased["services"].hub.events.get(UUID(wang["person_id"]))
        if isinstance(e, Person.Erased)
    ]
    assert len(erasures) == 1
    assert erasures[0].erased_by == "test administrator"  # the administrator's credentials


def test_the_agency_topics_replay_as_the_feed(
    erased: dict[str, Any], home: HubHome, log_kind: str, tmp_path: Path
) -> None:
    if log_kind != "kafka":
        pytest.skip("the embedded log serves agency feeds over HTTP only (compared above)")
    from tests.integration.privacy.topics import read_every_topic

    own_replica = {"HUB_REPLICA_PATH": str(tmp_path / "router-replica.sqlite")}
    home.cli("router", "run", "--once", env=own_replica, check=True)
    d: Driver = erased["driver"]
    prefix = home.env["HUB_LOG_TOPIC"].rsplit(".", 1)[0]
    records = read_every_topic(home.env["KAFKA_BOOTSTRAP_SERVERS"])
    donor = records[f"{prefix}.agency.{d.id(DONOR)}"]
    replayed = [orjson.loads(r.value) for r in donor]
    feed = erased["before"]["feed"]["records"]
    assert [(r["event_id"], r["type"], r["data"]) for r in replayed] == [
        (r["event_id"], r["type"], r["data"]) for r in feed
    ]
    assert replayed[0]["data"]["person_id"] == erased["ids"]["person_id"]
    assert all(found_in(r.raw()) == [] for r in donor)
