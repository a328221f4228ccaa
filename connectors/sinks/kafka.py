"""Replies to ``{prefix}.replies`` on Kafka.

The producer is idempotent with ``acks=all``; each record is keyed by referral id (so a
referral's answers stay in order) and carries the headers ``agency_id`` and
``idempotency_key``. ``send`` waits for the acknowledgement, so the runtime commits the feed
position only after the reply is durable. The hub checks the agency against the
credentials and sends what it cannot apply to ``{prefix}.replies.dlq``.
"""

from __future__ import annotations

from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from connectors.errors import Retryable
from connectors.kafka_config import producer_config
from connectors.records import Reply
from connectors.settings import ConnectorSettings

SEND_TIMEOUT = 30.0


class KafkaReplySink:
    def __init__(self, settings: ConnectorSettings, **producer_options: Any) -> None:
        self.topic = settings.replies_topic
        self._producer = KafkaProducer(**(producer_config(settings) | producer_options))

    def send(self, reply: Reply) -> None:
        headers = [
            ("agency_id", reply.agency_id.encode()),
            ("idempotency_key", reply.idempotency_key.encode()),
        ]
        try:
            future = self._producer.send(
                self.topic, key=reply.referral_id.encode(), value=reply.to_json(), headers=headers
            )
            future.get(timeout=SEND_TIMEOUT)
        except KafkaError as error:
            raise Retryable(f"producing to {self.topic}: {error!r}") from error

    def close(self) -> None:
        self._producer.close(timeout=5)
