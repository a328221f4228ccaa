"""The connector's settings: every one read here, from the environment, with its default.

``ConnectorSettings.from_env()`` is called by the command line (flags override single
values); nothing reads the environment at import time. All variables start with
``HUB_CONNECTOR_``; ``docs/connectors.md`` lists them with the same defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from connectors.errors import ConfigurationError

PREFIX = "HUB_CONNECTOR_"


@dataclass(frozen=True)
class ConnectorSettings:
    """One agency's connector. Field ``x`` is read from ``HUB_CONNECTOR_X``."""

    agency_id: str = ""  # the agency this connector answers for (UUID); required
    transport: str = "http"  # "http" (the hub's feed and API) or "kafka"
    state_dir: Path = Path("connector-state")  # cursor file, dead letters, batch ledger
    # hub API (transport http; batch export reads referral details through it too)
    hub_url: str = "http://127.0.0.1:8000"
    token: str = ""  # the agency's bearer token
    poll_wait: float = 20.0  # seconds a feed long-poll waits for news
    http_timeout: float = 30.0  # seconds for one HTTP request (besides the long-poll wait)
    # Kafka (transport kafka)
    kafka_bootstrap: str = "127.0.0.1:9092"
    topic_prefix: str = "hub"  # topics {prefix}.agency.<agency_id>, {prefix}.replies.<agency_id>
    kafka_security_protocol: str = "PLAINTEXT"  # PLAINTEXT | SASL_SSL | SSL | SASL_PLAINTEXT
    kafka_sasl_mechanism: str = "SCRAM-SHA-512"
    kafka_username: str = ""
    kafka_password: str = ""
    kafka_ssl_cafile: str = ""
    kafka_ssl_certfile: str = ""  # mTLS client certificate
    kafka_ssl_keyfile: str = ""
    kafka_session_timeout_ms: int = 10000
    kafka_max_poll_interval_ms: int = 300000  # also how long a group join may wait
    # retries
    max_attempts: int = 5  # failures of handle() before a record is dead-lettered
    backoff_base: float = 0.5  # first retry waits 0.25–0.5 s, doubling up to backoff_cap
    backoff_cap: float = 60.0
    # webhook connector
    webhook_url: str = ""  # where each record is POSTed
    webhook_secret: str = ""  # HMAC-SHA256 key shared with the agency
    signature_max_age: int = 300  # seconds a signed request stays valid
    callback_host: str = "127.0.0.1"
    callback_port: int = 8088
    # batch-file connector
    batch_dir: Path = Path("referral-files")  # where the daily files are written
    #: the on-behalf-of note of imported answers whose row names no 经办人 (none by default)
    batch_actor: str | None = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> ConnectorSettings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, raw, type(getattr(cls, f.name)))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> ConnectorSettings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def require(self, *names: str) -> ConnectorSettings:
        """Raises :class:`ConfigurationError` naming each required setting that is empty."""
        missing = [PREFIX + n.upper() for n in names if not getattr(self, n)]
        if missing:
            raise ConfigurationError("missing settings: " + ", ".join(missing))
        return self

    @property
    def agency_topic(self) -> str:
        return f"{self.topic_prefix}.agency.{self.agency_id}"

    @property
    def replies_topic(self) -> str:
        """The agency's own replies topic: the hub takes a reply's agency from it."""
        return f"{self.topic_prefix}.replies.{self.agency_id}"

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.agency_topic}.dlq"


def _convert(name: str, raw: str, kind: type) -> Any:
    try:
        if kind is bool:
            return raw.lower() in ("1", "true", "yes")
        return kind(raw)
    except ValueError:
        raise ConfigurationError(
            f"{PREFIX}{name.upper()}={raw!r} is not a {kind.__name__}"
        ) from None
