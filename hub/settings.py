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
| ``HUB_METRICS_HOST`` / ``HUB_METRICS_PORT`` | ``127.0.0.1`` / unset | set a port: this process (server, projection worker, router) also exports its Prometheus metrics there, without a token (guard it by where it binds); ``hub serve`` always serves ``GET /metrics`` to administrators |
| ``HUB_READY_MAX_LAG`` | ``1000`` | ``GET /health/ready`` answers 503 while a view is more than this many events behind the log |
| ``HUB_LOG_LEVEL`` | ``INFO`` | the level of the JSON log lines every process writes to stderr |
| ``HUB_MAX_BACKDATE_DAYS`` | ``30`` | how many days before the day it is recorded (China time) a step's business date may lie; an earlier date needs a reason |
| ``HUB_DEMO_BACKDATE_DAYS`` | ``3650`` | the same window while ``hub demo`` loads the seed report's 2021–2022 scenarios |
| ``HUB_OIDC_ISSUER`` | unset: OpenID Connect off | the identity provider's issuer URL; its discovery document names its keys |
| ``HUB_OIDC_DISCOVERY_URL`` | ``ISSUER/.well-known/openid-configuration`` | where the hub reads the discovery document (an internal address of the provider) |
| ``HUB_OIDC_AUDIENCE`` | ``hub-api`` | the ``aud`` the API requires of a provider's access token |
| ``HUB_OIDC_CLIENT_ID`` / ``HUB_OIDC_CLIENT_SECRET`` | ``hub`` / unset | the hub's client at the provider (browser sign-in) |
| ``HUB_OIDC_REDIRECT_URI`` | ``http://HOST:PORT/auth/oidc/callback`` | where the provider sends the browser back |
| ``HUB_OIDC_AGENCY_CLAIM`` / ``HUB_OIDC_ROLES_CLAIM`` | ``hub_agency`` / ``hub_roles`` | the claims naming the official's agency (its id) and roles |
| ``HUB_OIDC_LEEWAY_SECONDS`` | ``30`` | clock skew allowed on ``exp``, ``nbf`` and ``iat`` |
| ``HUB_OIDC_JWKS_MAX_AGE_SECONDS`` | ``300`` | how long the provider's keys are used before they are fetched again |
| ``HUB_NOTIFY_URL`` | ``DATA_DIR/notify.sqlite`` | the notifier's store (items, deliveries, preferences, tracking): a SQLite path or ``postgresql://`` URL |
| ``HUB_CONSOLE_URL`` | ``http://HOST:PORT`` | the console's address, for the links in notifications |
| ``HUB_SMTP_HOST`` | unset: no email | the SMTP server notifications are mailed through |
| ``HUB_SMTP_PORT`` / ``HUB_SMTP_STARTTLS`` | ``25`` / ``false`` | its port; ``true``: STARTTLS before anything is sent |
| ``HUB_SMTP_USERNAME`` / ``HUB_SMTP_PASSWORD`` | unset | a login, when the server asks for one |
| ``HUB_SMTP_FROM`` | ``referral-hub@localhost`` | the sender's address |
| ``HUB_NOTIFY_WEBHOOK_URL`` / ``HUB_NOTIFY_WEBHOOK_SECRET`` | unset | the relay notifications are POSTed to, signed with the secret (both or neither) |
| ``HUB_NOTIFY_MAX_ATTEMPTS`` | ``12`` | attempts of one message before it is listed as failed (with the defaults below, about 2.5 hours of a channel down) |
| ``HUB_NOTIFY_RETRY_SECONDS`` / ``HUB_NOTIFY_RETRY_MAX_SECONDS`` | ``5`` / ``3600`` | the first wait before a retry, doubled each time up to the most |
| ``HUB_NOTIFY_DIGEST_HOUR`` | ``8`` | the hour (China time) daily digests go out |
| ``HUB_NOTIFY_CHECK_SECONDS`` | ``60`` | how often deadlines and dead letters are looked at |
| ``HUB_OIDC_JWKS_REFETCH_SECONDS`` | ``10`` | a token with an unknown key fetches the keys again, at most once this often |
| ``HUB_PASSWORD_COST`` | ``standard`` | the argon2id cost of new officials' passwords: ``standard`` (64 MiB, 3 passes) or ``light`` (1 MiB, 1 pass: for the test suite and demos only; refused in production) |
| ``HUB_OIDC_CACHE_SECONDS`` | ``10`` | how long a process remembers a verified bearer token's official (by the token's hash, never past its ``exp``; forgotten at once when this process disables an official or changes roles); ``0``: verify and look up on every request |
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.values import DEFAULT_MAX_BACKDATE_DAYS

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
    #: the argon2id cost of new passwords (hub.identity.passwords.COSTS)
    password_cost: Literal["standard", "light"] = "standard"
    #: the console is served behind HTTPS: its cookies are marked Secure
    console_https: bool = False
    sla_completion_days: int = 10
    sla_amber_days: int = 2
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    ready_max_lag: int = Field(default=1000, ge=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_backdate_days: int = Field(default=DEFAULT_MAX_BACKDATE_DAYS, ge=0)
    demo_backdate_days: int = Field(default=3650, ge=0)
    local_holidays: list[date] = []
    local_workdays: list[date] = []
    oidc_issuer: str | None = None
    oidc_discovery_url: str | None = None
    oidc_audience: str = "hub-api"
    oidc_client_id: str = "hub"
    oidc_client_secret: SecretStr | None = None
    oidc_redirect_uri: str | None = None
    oidc_agency_claim: str = "hub_agency"
    oidc_roles_claim: str = "hub_roles"
    oidc_leeway_seconds: int = Field(default=30, ge=0, le=300)
    oidc_jwks_max_age_seconds: float = Field(default=300.0, gt=0)
    oidc_jwks_refetch_seconds: float = Field(default=10.0, ge=0)
    oidc_cache_seconds: float = Field(default=10.0, ge=0, le=60)
    notify_url: str | None = None
    console_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "referral-hub@localhost"
    notify_webhook_url: str | None = None
    notify_webhook_secret: SecretStr | None = None
    notify_max_attempts: int = Field(default=12, ge=1)
    notify_retry_seconds: float = Field(default=5.0, gt=0)
    notify_retry_max_seconds: float = Field(default=3600.0, gt=0)
    notify_digest_hour: int = Field(default=8, ge=0, le=23)
    notify_check_seconds: float = Field(default=60.0, gt=0)

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("local_holidays", "local_workdays", mode="before")
    @classmethod
    def _dates(cls, value: object) -> object:
        if isinstance(value, str):
            return [d.strip() for d in value.split(",") if d.strip()]
        return value

    @property
    def topic_prefix(self) -> str:
        return self.log_topic.rsplit(".", 1)[0]

    def password_hashing(self) -> Literal["standard", "light"]:
        """``HUB_PASSWORD_COST``, refused in production unless standard (checked where the
        hub is built, as the secrets are)."""
        if self.env == "production" and self.password_cost != "standard":
            raise ValueError("HUB_PASSWORD_COST=light is for tests and demos, not production")
        return self.password_cost

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

    def notify_location(self) -> str:
        return self.notify_url or str(self.data_dir / "notify.sqlite")

    def console_base(self) -> str:
        return self.console_url or f"http://{self.host}:{self.port}"

    def oidc_redirect(self) -> str:
        return self.oidc_redirect_uri or f"http://{self.host}:{self.port}/auth/oidc/callback"
