"""Feed records from routed events, on the scenarios' log (both logs).

The router keeps a light state of each referral instead of its aggregate, and decodes the
log in worker processes; both must give exactly what the aggregates read from the log give.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest

from hub.access import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.decoders import Decoders
from hub.demo.driver import Driver
from hub.demo.scenarios import load_all
from hub.routing import ROUTED_TOPICS, Feeds, RoutedEvent, RoutedReferral, routed_event
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
    load_all(driver)
    yield services
    services.close()


def routed_log(services: Services) -> list[RoutedEvent]:
    hub = services.hub
    notifications = hub.recorder.select_notifications(1, 100_000, topics=ROUTED_TOPICS)
    return [routed_event(hub.mapper.to_domain_event(n), n.id) for n in notifications]


def test_worker_processes_decode_the_log_as_the_hub_does(scenarios: Services) -> None:
    hub = scenarios.hub
    notifications = hub.recorder.select_notifications(1, 100_000, topics=ROUTED_TOPICS)
    assert len(notifications) > 30
    in_process = Decoders(hub, 0)
    workers = Decoders(hub, 2)
    try:
        expected = in_process.submit(notifications)()
        assert workers.submit(notifications)() == expected
        assert workers.submit(notifications[:1])() == expected[:1]
        assert workers.submit([])() == []
    finally:
        workers.close()
    assert [r.position for r in expected] == [n.id for n in notifications]
    assert {r.kind for r in expected} == {"Requested", "StatusChanged", "ReReferred"}


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


def test_feeds_in_log_order_give_what_each_referral_read_back_gives(
    scenarios: Services,
) -> None:
    """One Feeds follows the log; for each event a new one reads the referral back instead."""
    routed = routed_log(scenarios)
    following = Feeds(scenarios.hub)
    for event in routed:
        cold: list[dict[str, Any]] = Feeds(scenarios.hub).records(event)
        assert following.records(event) == cold, event
    kinds = {r["type"] for e in routed for r in Feeds(scenarios.hub).records(e)}
    assert {"referral.requested", "referral.accepted", "referral.completed"} <= kinds


def test_a_small_cache_reads_evicted_referrals_back(scenarios: Services) -> None:
    routed = routed_log(scenarios)
    roomy, tight = Feeds(scenarios.hub), Feeds(scenarios.hub, maxsize=1)
    for event in routed:
        assert tight.records(event) == roomy.records(event)
