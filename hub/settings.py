"""Every setting of the hub, with its default, in one place (environment variables ``HUB_*``).

| variable | default | meaning |
| --- | --- | --- |
| ``HUB_ENV`` | ``development`` | ``production`` refuses missing or placeholder secrets |
| ``HUB_DATA_DIR`` | ``./var`` | where the embedded log, the access store and the dev keys live |
| ``HUB_HOST`` / ``HUB_PORT`` | ``127.0.0.1`` / ``8000`` | where ``hub serve`` listens |
| ``HUB_PERSON_KEY`` | generated into ``DATA_DIR/secrets/`` in development | HMAC key for ID numbers (64 hex digits) |
| ``HUB_CIPHER_KEY`` | likewise | AES key for every stored event (64 hex digits) |
| ``HUB_MASTER_KEY`` | likewise | wraps the per-person data keys (64 hex digits) |
| ``HUB_KEYS_URL`` | ``DATA_DIR/keys.sqlite`` | the per-person key store: a SQLite path or ``postgresql://`` URL |
| ``KAFKA_BOOTSTRAP_SERVERS`` | unset: embedded SQLite log | set: the log is the Kafka topic ``HUB_LOG_TOPIC`` |
| ``HUB_LOG_TOPIC`` | ``hub.events`` | the log's topic; ``{prefix}`` of agency topics is its first part |
| ``HUB_REPLICA_PATH`` | ``DATA_DIR/replica.sqlite`` | the Kafka log's local replica |
| ``HUB_VIEWS_URL`` | ``DATA_DIR/views.sqlite`` | projections' view store: a SQLite path or ``postgresql://`` URL |
| ``HUB_ACCESS_URL`` | ``DATA_DIR/access.sqlite`` | tokens and idempotency records |
| ``HUB_LOCAL_HOLIDAYS`` / ``HUB_LOCAL_WORKDAYS`` | empty | comma-separated ISO dates added to the official calendar |
| ``HUB_POLL_INTERVAL`` | ``0.05`` | seconds between looks at the embedded log for another process's appends |
| ``HUB_MAX_BODY_BYTES`` | ``1000000`` | the largest request body the API reads; larger ones are refused (413) |
| ``HUB_FEED_WAITS_PER_AGENCY`` | ``8`` | long-polls (``GET /agencies/{id}/feed?wait=``) one agency may hold at once; more get 429 |
| ``HUB_ACCESS_LOG_FLUSH_SECONDS`` | ``1.0`` | how often the API's reads of personal data are appended, one event per reader per burst |
| ``HUB_SLA_COMPLETION_DAYS`` / ``HUB_SLA_AMBER_DAYS`` | ``10`` / ``2`` | working days to finish an accepted referral; amber this many days before a deadline |
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDERS = {"", "changeme", "change-me", "secret", "development"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    person_key: SecretStr | None = None
    cipher_key: SecretStr | None = None
    master_key: SecretStr | None = None
    keys_url: str | None = None
    kafka_bootstrap_servers: str | None = Field(
        default=None,
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "HUB_KAFKA_BOOTSTRAP_SERVERS"),
    )
    log_topic: str = "hub.events"
    replica_path: Path | None = None
    views_url: str | None = None
    access_url: str | None = None
    poll_interval: float = 0.05
    max_body_bytes: int = Field(default=1_000_000, ge=1)
    feed_waits_per_agency: int = Field(default=8, ge=1)
    access_log_flush_seconds: float = Field(default=1.0, gt=0)
    #: how long a signed-in official's session token lasts
    session_minutes: float = Field(default=30.0, gt=0, le=24 * 60)
    sla_completion_days: int = 10
    sla_amber_days: int = 2
    local_holidays: list[date] = []
    local_workdays: list[date] = []

    @field_validator("local_holidays", "local_workdays", mode="before")
    @classmethod
    def _dates(cls, value: object) -> object:
        if isinstance(value, str):
            return [d.strip() for d in value.split(",") if d.strip()]
        return value

    @property
    def topic_prefix(self) -> str:
        return self.log_topic.rsplit(".", 1)[0]

    def secret(self, name: str) -> bytes:
        """A 32-byte secret from ``HUB_<NAME>``; generated into the data dir in development."""
        given: SecretStr | None = getattr(self, name)
        if given is not None:
            value = given.get_secret_value().strip()
            if value.lower() in PLACEHOLDERS or len(value) != 64:
                raise ValueError(f"HUB_{name.upper()} must be 32 random bytes as 64 hex digits")
            return bytes.fromhex(value)
        if self.env == "production":
            raise ValueError(f"HUB_{name.upper()} is required in production")
        path = self.data_dir / "secrets" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return bytes.fromhex(path.read_text().strip())

    def keys_location(self) -> str:
        return self.keys_url or str(self.data_dir / "keys.sqlite")

    def log_env(self, process: str = "hub") -> dict[str, str]:
        """The library's settings for the log: embedded SQLite, or the Kafka topic.

        On Kafka each kind of process (``hub``, ``projections``, ``router``, …) keeps its
        own local replica of the log, beside the others unless ``HUB_REPLICA_PATH`` names one.
        """
        if self.kafka_bootstrap_servers:
            replica = self.replica_path or self.data_dir / "replica.sqlite"
            if process != "hub":
                replica = replica.with_name(f"{replica.stem}-{process}{replica.suffix}")
            return {
                "PERSISTENCE_MODULE": "hub.eventlog.kafka:KafkaFactory",
                "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
                "HUB_LOG_TOPIC": self.log_topic,
                "HUB_REPLICA_PATH": str(replica),
            }
        return {
            "PERSISTENCE_MODULE": "hub.eventlog.sqlite:Factory",
            "SQLITE_DBNAME": str(self.data_dir / "hub.sqlite"),
            "SQLITE_POLL_INTERVAL": str(self.poll_interval),
        }

    def views_location(self) -> str:
        return self.views_url or str(self.data_dir / "views.sqlite")

    def access_location(self) -> str:
        return self.access_url or str(self.data_dir / "access.sqlite")
