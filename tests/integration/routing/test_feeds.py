"""Feed records from routed events, on the scenarios' log (both logs).

The router reads events straight from their stored form and keeps a light state of each
referral instead of its aggregate; each must give exactly what the library's mapper and the
aggregates read from the log give.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest

from domain.referral import Referral
from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.demo import network as net
from hub.demo.driver import Driver
from hub.demo.scenarios import load_all
from hub.feeds.routing import ROUTED_TOPICS, Feeds, RoutedEvent, RoutedEventReader, RoutedReferral
from hub.settings import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def scenarios(
    module_log_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Services]:
    services = build(Settings(data_dir=tmp_path_factory.mktemp("hub")), module_log_env)
    driver = Driver(
        TestClient(create_app(services)), services.access.issue(Role.ADMIN, None, "admin")
    )
    ids = load_all(driver)
    # and a rejected referral sent on, so that every routed kind is on the log
    p, ca, mi = net.KUYTUN_PROCURATORATE, net.KUYTUN_CIVIL_AFFAIRS, net.KUYTUN_MEDICAL_INSURANCE
    zhao = ids["scenario_7_outbound"]
    driver.consent(p, zhao["person_id"], {ca: ["temporary-aid"]})
    first = driver.refer(
        p,
        ca,
        zhao["person_id"],
        case_id=zhao["case_id"],
        reason="医疗费用负担重",
        services=["temporary-aid"],
        on_behalf_of="承办检察官",
    )
    driver.answer(ca, first, "reject", reason="应由医疗救助解决")
    again = {"recipient_id": driver.id(mi), "reason": "医疗救助", "on_behalf_of": "承办检察官"}
    driver.post(p, f"/referrals/{first}/re-refer", {**again, "services": ["medical-aid"]})
    yield services
    services.close()


def through_the_mapper(event: Any, position: int) -> RoutedEvent:
    """The routed event as read from the domain event the hub's mapper makes."""
    text = lambda v: None if v is None else str(v)  # noqa: E731
    if isinstance(event, Referral.Requested):
        data = {
            "requester_id": str(event.requester_id),
            "recipient_id": str(event.recipient_id),
            "person_id": str(event.person_id),
            "case_id": text(event.case_id),
            "direction": event.direction,
            "services": event.services,
            "due_on": event.due_on.isoformat(),
            "re_referral_of": text(event.re_referral_of),
        }
    elif isinstance(event, Referral.StatusChanged):
        data = {"status": event.status, "outcome": event.outcome}
    else:
        data = {"new_referral_id": str(event.new_referral_id)}
    return RoutedEvent(
        position,
        str(event.originator_id),
        event.originator_version,
        event.timestamp.isoformat(),
        type(event).__name__,
        data,
    )


def routed_log(services: Services) -> list[RoutedEvent]:
    hub = services.hub
    notifications = hub.recorder.select_notifications(1, 100_000, topics=ROUTED_TOPICS)
    return [through_the_mapper(hub.mapper.to_domain_event(n), n.id) for n in notifications]


def test_the_reader_reads_stored_events_as_the_hubs_mapper_does(scenarios: Services) -> None:
    hub = scenarios.hub
    notifications = hub.recorder.select_notifications(1, 100_000, topics=ROUTED_TOPICS)
    reader = RoutedEventReader(hub.hub_key)
    expected = routed_log(scenarios)
    assert len(expected) > 30
    assert [reader.read(n) for n in notifications] == expected
    assert {e.kind for e in expected} == {"Requested", "StatusChanged", "ReReferred"}
    assert any(e.data.get("outcome") for e in expected)
    assert any(e.data.get("case_id") is None for e in expected if e.kind == "Requested")


def test_a_routed_referral_follows_its_aggregate_event_by_event(scenarios: Services) -> None:
    hub = scenarios.hub
    states: dict[str, RoutedReferral] = {}
    for event in routed_log(scenarios):
        if event.kind == "Requested":
            state = RoutedReferral.requested(event)
        else:
            state = states[event.referral_id].after(event)
        states[event.referral_id] = state
        aggregate = hub.repository.get(UUID(event.referral_id), version=event.version)
        assert state == RoutedReferral.of(aggregate), event
    assert any(s.outcome for s in states.values())


STATUS_TYPES = {
    "received": "referral.received",
    "accepted": "referral.accepted",
    "rejected": "referral.rejected",
    "on-hold": "referral.on-hold",
    "completed": "referral.completed",
    "failed": "referral.failed",
    "cancelled": "referral.cancelled",
}


def records_from_aggregates(hub: Any, event: Any, position: int) -> list[dict[str, Any]]:
    """The feed records of ``event`` as the contract (docs/architecture.md) describes them,
    built from the domain event and the referral aggregate read back at its versions."""
    referral = hub.repository.get(event.originator_id, version=event.originator_version)
    data: dict[str, Any] = {"status": referral.status}
    if isinstance(event, Referral.Requested):
        kind = "referral.requested"

        def agency(agency_id: UUID) -> dict[str, Any]:
            a = hub.get_agency(agency_id)
            return {"id": a["id"], "name": a["name"], "kind": a["kind"]}

        data |= {
            "requester": agency(referral.requester_id),
            "recipient": agency(referral.recipient_id),
            "direction": referral.direction,
            "services": referral.services,
            "due_on": referral.due_on.isoformat(),
            "person_id": str(referral.person_id),
            "re_referral_of": str(referral.re_referral_of) if referral.re_referral_of else None,
        }
    elif isinstance(event, Referral.ReReferred):
        kind = "referral.re-referred"
        data["re_referred_to"] = str(event.new_referral_id)
    elif event.status == "in-progress":
        before = hub.repository.get(event.originator_id, version=event.originator_version - 1)
        kind = "referral.resumed" if before.status == "on-hold" else "referral.started"
    else:
        kind = STATUS_TYPES[event.status]
        if event.status == "completed":
            data["outcome"] = {
                "successful": referral.outcome["successful"],
                "provisions": [
                    {k: p[k] for k in ("kind", "amount_fen", "provider")}
                    for p in referral.outcome["provisions"]
                ],
            }
    data["links"] = {
        "referral": f"/referrals/{referral.id}",
        "person": f"/persons/{referral.person_id}",
    }
    return [
        {
            "position": position,
            "event_id": f"{referral.id}:{event.originator_version}:{agency_id}",
            "type": kind,
            "at": event.timestamp.isoformat(),
            "agency_id": str(agency_id),
            "referral_id": str(referral.id),
            "case_id": str(referral.case_id) if referral.case_id else None,
            "data": data,
        }
        for agency_id in (referral.requester_id, referral.recipient_id)
    ]


def test_feeds_give_the_records_the_aggregates_give(scenarios: Services) -> None:
    """One Feeds follows the log in order; each event's records are compared with those
    built from the domain event and the referral aggregate."""
    hub = scenarios.hub
    notifications = hub.recorder.select_notifications(1, 100_000, topics=ROUTED_TOPICS)
    reader, feeds = RoutedEventReader(hub.hub_key), Feeds(hub)
    kinds = set()
    for n in notifications:
        expected = records_from_aggregates(hub, hub.mapper.to_domain_event(n), n.id)
        assert feeds.records(reader.read(n)) == expected, n.id
        kinds |= {r["type"] for r in expected}
    assert {"referral.requested", "referral.accepted", "referral.completed"} <= kinds
    assert {"referral.started", "referral.re-referred"} & kinds


def test_a_small_cache_reads_evicted_referrals_back(scenarios: Services) -> None:
    routed = routed_log(scenarios)
    roomy, tight = Feeds(scenarios.hub), Feeds(scenarios.hub, maxsize=1)
    for event in routed:
        assert tight.records(event) == roomy.records(event)
