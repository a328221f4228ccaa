"""The connector's composition root: builds the source, sink and dead letters from settings.

``settings.transport`` chooses the drivers: ``kafka`` reads the agency topic, produces
replies to the agency's ``{prefix}.replies.<agency_id>`` and dead letters to
``{prefix}.agency.<agency_id>.dlq``; ``http`` long-polls the hub's feed, posts replies to its
API and keeps dead letters in ``<state_dir>/dead-letters-<agency_id>.jsonl``. Nothing here
runs at import.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from connectors.backoff import Backoff
from connectors.deadletters import DeadLetters, FileDeadLetters, KafkaDeadLetters
from connectors.errors import ConfigurationError
from connectors.runtime import Connector, Runner
from connectors.settings import ConnectorSettings
from connectors.sinks import ReplySink
from connectors.sources import FeedSource

TRANSPORTS = ("http", "kafka")


@dataclass
class Parts:
    source: FeedSource
    sink: ReplySink
    dead_letters: DeadLetters

    def close(self) -> None:
        for part in (self.source, self.sink, self.dead_letters):
            part.close()


def build_sink(settings: ConnectorSettings, stop: threading.Event | None = None) -> ReplySink:
    _check(settings)
    if settings.transport == "kafka":
        from connectors.sinks.kafka import KafkaReplySink

        return KafkaReplySink(settings)
    from connectors.sinks.http import HttpReplySink

    return HttpReplySink(settings, stop=stop)


def build_parts(settings: ConnectorSettings, stop: threading.Event | None = None) -> Parts:
    _check(settings)
    if settings.transport == "kafka":
        from connectors.sources.kafka import KafkaFeedSource

        source: FeedSource = KafkaFeedSource(settings)
        dead: DeadLetters = KafkaDeadLetters(settings)
    else:
        from connectors.sources.http import HttpFeedSource

        source = HttpFeedSource(settings)
        dead = FileDeadLetters(dead_letter_file(settings))
    return Parts(source, build_sink(settings, stop), dead)


def build_runner(
    connector: Connector, parts: Parts, settings: ConnectorSettings, stop: threading.Event
) -> Runner:
    return Runner(
        connector,
        parts.source,
        parts.sink,
        parts.dead_letters,
        max_attempts=settings.max_attempts,
        backoff=Backoff(settings.backoff_base, settings.backoff_cap),
        stop=stop,
        # an HTTP long-poll waits for news (a stop is seen when it returns); Kafka polls often
        poll_timeout=settings.poll_wait if settings.transport == "http" else 1.0,
    )


def dead_letter_file(settings: ConnectorSettings) -> Path:
    return settings.state_dir / f"dead-letters-{settings.agency_id}.jsonl"


def _check(settings: ConnectorSettings) -> None:
    settings.require("agency_id")
    if settings.transport not in TRANSPORTS:
        raise ConfigurationError(f"HUB_CONNECTOR_TRANSPORT must be one of {', '.join(TRANSPORTS)}")
    if settings.transport == "http":
        settings.require("hub_url", "token")
