"""The seven scenarios on a hub on a Kafka log, the receiving agencies answering by connector.

One hub per module: the router and the reply applier (as ``hub serve`` should run it: a
:class:`~hub.feeds.replies.BackgroundApplier` in the writing process) run in threads beside it, each
receiving agency's SDK connector (:class:`ScenarioAgency`) runs in its own thread on the
agency's topic, and the requesting side (procuratorates, civil affairs) acts through the API.
The agency topics are created beforehand, as an operator provisions them with the agency's
credentials (a consumer subscribed to a topic that does not exist yet sees it only at its
next metadata refresh, minutes later).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from connectors.runtime import Runner
from connectors.wiring import Parts, build_parts, build_runner
from hub.access.tokens import Role
from hub.api.app import create_app
from hub.bootstrap import Services, build
from hub.demo import network as n
from hub.demo.driver import Driver
from hub.demo.scenarios import run_scenarios
from hub.feeds.replies import BackgroundApplier
from hub.feeds.router import Router
from hub.feeds.topics import Topics, agency_topic, dead_letter_topic
from hub.settings import Settings
from tests.conftest import new_log_env
from tests.integration.connectors.kafka_support import kafka_settings
from tests.integration.connectors_scenarios.agencies import (
    ConnectorAnswers,
    Decisions,
    ScenarioAgency,
    TwiceSink,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

RECEIVING = (
    n.XINYUAN_COMMERCE,
    n.KUYTUN_CITY_INVESTMENT,
    n.KUYTUN_DONOR,
    n.KUYTUN_VOLUNTEERS,
    n.KUYTUN_YOUTH_LEAGUE,
    n.KUYTUN_PROPERTY_ASSOCIATION,
    n.MORI_BUILDER,
    n.KUYTUN_PROCURATORATE,  # scenario 6: the inbound lead
    n.KUYTUN_CIVIL_AFFAIRS,  # scenario 7: rejects the first referral
    n.KUYTUN_MEDICAL_INSURANCE,
)


@dataclass
class Workers:
    """Threads that run until :attr:`stop` is set; the first error of each is kept."""

    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def start(self, name: str, target: Callable[[], None]) -> None:
        def run() -> None:
            try:
                target()
            except BaseException as error:
                self.errors.append(error)
                raise

        thread = threading.Thread(target=run, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)


@dataclass
class Network:
    """The hub on Kafka with its workers and the agencies' connectors, ready for scenarios."""

    services: Services
    driver: Driver
    prefix: str
    answers: ConnectorAnswers
    runners: dict[str, Runner]
    sinks: dict[str, TwiceSink]
    workers: Workers
    applier: BackgroundApplier


@pytest.fixture(scope="module")
def network(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Network]:
    directory = tmp_path_factory.mktemp("connectors-scenarios")
    env = new_log_env("kafka", directory, request)
    prefix = env["HUB_LOG_TOPIC"].rsplit(".", 1)[0]
    services = build(Settings(data_dir=directory / "hub"), env)
    driver = Driver(
        TestClient(create_app(services)), services.access.issue(Role.ADMIN, None, "admin")
    )
    n.register_network(driver)
    workers = Workers()
    closing: list[Callable[[], None]] = [services.close]
    try:
        router = Router(services.hub, kafka_bootstrap, prefix)
        closing.insert(0, router.close)
        workers.start("router", lambda: router.run(workers.stop))
        applier = BackgroundApplier(services.hub, kafka_bootstrap, prefix, retry_seconds=0.5)
        closing.insert(0, applier.close)
        decisions = {name: Decisions() for name in RECEIVING}
        runners, sinks = {}, {}
        topics = Topics(kafka_bootstrap)
        closing.insert(0, topics.close)
        for name in RECEIVING:
            settings = kafka_settings(
                kafka_bootstrap, agency_id=driver.id(name), topic_prefix=prefix
            )
            topics.ensure(settings.agency_topic, dead_letter_topic(settings.agency_topic))
            assert settings.agency_topic == agency_topic(prefix, driver.id(name))
            parts = build_parts(settings)
            sinks[name] = TwiceSink(parts.sink)
            parts = Parts(parts.source, sinks[name], parts.dead_letters)
            closing.insert(0, parts.close)
            connector = ScenarioAgency(driver.actor(name), decisions[name])
            runners[name] = build_runner(connector, parts, settings, workers.stop)
            workers.start(f"connector {name}", runners[name].run)
        closing.insert(0, workers.close)
        answers = ConnectorAnswers(decisions)
        yield Network(services, driver, prefix, answers, runners, sinks, workers, applier)
    finally:
        workers.close()
        for close in closing:
            close()


@pytest.fixture(scope="module")
def driver(network: Network) -> Driver:
    return network.driver


@pytest.fixture(scope="module")
def scenarios(network: Network) -> dict[str, Any]:
    """The ids each scenario made, the receiving agencies answering through their connectors."""
    made = run_scenarios(network.driver, network.answers)
    assert not network.workers.errors
    return made


@pytest.fixture(scope="module")
def auditor(network: Network, scenarios: dict[str, Any]) -> str:
    """An auditor official of the first agency, signed in (the scenarios made the agencies)."""
    return network.driver.add_auditor()
