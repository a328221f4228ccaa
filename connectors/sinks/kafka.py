"""Replies to the agency's own topic ``{prefix}.replies.<agency_id>`` on Kafka.

Only the agency's credentials may write that topic (the broker's ACLs), so the hub takes a
reply's agency from the topic it arrives on; a reply whose body names another agency, or
answers a referral the agency is not party to, goes to the hub's ``{prefix}.replies.dlq``.
The producer is idempotent with ``acks=all``; each record is keyed by referral id (so a
referral's answers stay in order) and carries the header ``idempotency_key``. ``send``
waits for the acknowledgement, so the runtime commits the feed position only after the
reply is durable.
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
        headers = [("idempotency_key", reply.idempotency_key.encode())]
        try:
            future = self._producer.send(
                self.topic, key=reply.referral_id.encode(), value=reply.to_json(), headers=headers
            )
            future.get(timeout=SEND_TIMEOUT)
        except KafkaError as error:
            raise Retryable(f"producing to {self.topic}: {error!r}") from error

    def close(self) -> None:
        self._producer.close(timeout=5)
