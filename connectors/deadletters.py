"""Where the connector puts feed records it could not handle (connector-side poison).

Not the hub's ``{prefix}.replies.dlq`` (replies the hub cannot apply): these are records of
the agency's own feed that its connector failed on ``max_attempts`` times, or whose reply
the hub refused for good, or whose bytes were not a feed record. Over Kafka they go to
``{prefix}.agency.<agency_id>.dlq`` (the original value, key = referral id, headers
``error``, ``detail``, ``attempts``, ``source``); over HTTP to a local JSON Lines file
``dead-letters-<agency_id>.jsonl`` in the state directory. Either way the position then moves
on, and an operator sees the record and why.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import orjson
from kafka import KafkaProducer
from kafka.errors import KafkaError

from connectors.errors import Retryable
from connectors.kafka_config import producer_config
from connectors.records import FeedRecord
from connectors.settings import ConnectorSettings


class DeadLetters(Protocol):
    def put(self, record: FeedRecord, error: str, detail: str, attempts: int) -> None:
        """Keeps ``record`` with the reason, durably, before its position is committed."""
        ...

    def close(self) -> None: ...


class KafkaDeadLetters:
    def __init__(self, settings: ConnectorSettings, **producer_options: Any) -> None:
        self.topic = settings.dead_letter_topic
        self._producer = KafkaProducer(**(producer_config(settings) | producer_options))

    def put(self, record: FeedRecord, error: str, detail: str, attempts: int) -> None:
        source = (
            f"{record.ref[0].topic}:{record.ref[0].partition}:{record.ref[1]}" if record.ref else ""
        )
        headers = [
            ("error", error.encode()),
            ("detail", detail[:1000].encode()),
            ("attempts", str(attempts).encode()),
            ("source", source.encode()),
        ]
        try:
            self._producer.send(
                self.topic, key=record.referral_id.encode(), value=record.raw, headers=headers
            ).get(timeout=30)
        except KafkaError as e:
            raise Retryable(f"producing to {self.topic}: {e!r}") from e

    def close(self) -> None:
        self._producer.close(timeout=5)


class FileDeadLetters:
    """Appends one JSON line per dead record: ``at``, ``error``, ``detail``, ``attempts``, ``record``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def put(self, record: FeedRecord, error: str, detail: str, attempts: int) -> None:
        line = {
            "at": datetime.now(UTC).isoformat(),
            "error": error,
            "detail": detail[:1000],
            "attempts": attempts,
            "record": record.to_dict()
            if not record.broken
            else record.raw.decode(errors="replace"),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "ab") as file:
            file.write(orjson.dumps(line) + b"\n")
            file.flush()
            os.fsync(file.fileno())

    def read(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [orjson.loads(line) for line in self.path.read_bytes().splitlines() if line]

    def close(self) -> None:
        pass
