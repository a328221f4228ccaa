"""The client settings every Kafka client of the connector shares: where, and how it logs in.

In production an agency's credentials are SASL/SCRAM (``SASL_SSL``) or an mTLS client
certificate (``SSL``); the broker's ACLs let them read only the agency's topic (and its
consumer group) and write only the agency's own replies topic ``{prefix}.replies.<agency_id>``
and its own ``.dlq`` topic.
"""

from __future__ import annotations

from typing import Any

from connectors.settings import ConnectorSettings


def client_config(settings: ConnectorSettings) -> dict[str, Any]:
    """``bootstrap_servers`` and the security options for ``KafkaConsumer``/``KafkaProducer``."""
    config: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap.split(","),
        "security_protocol": settings.kafka_security_protocol,
        "client_id": f"hub-connector-{settings.agency_id}",
    }
    if settings.kafka_security_protocol.startswith("SASL"):
        config |= {
            "sasl_mechanism": settings.kafka_sasl_mechanism,
            "sasl_plain_username": settings.kafka_username,
            "sasl_plain_password": settings.kafka_password,
        }
    for option in ("cafile", "certfile", "keyfile"):
        value = getattr(settings, f"kafka_ssl_{option}")
        if value:
            config[f"ssl_{option}"] = value
    return config


def producer_config(settings: ConnectorSettings) -> dict[str, Any]:
    """An idempotent producer that waits for all in-sync replicas."""
    return client_config(settings) | {
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 0,
    }
