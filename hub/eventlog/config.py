"""Settings of the Kafka log, read through the library's ``Environment``, and its topic.

Every key is looked up the way ``eventsourcing`` looks up its own settings, so each may also
be given with the application-name prefix (``RELIEFHUB_KAFKA_BOOTSTRAP_SERVERS`` before
``KAFKA_BOOTSTRAP_SERVERS``):

| key | default | meaning |
| --- | --- | --- |
| ``KAFKA_BOOTSTRAP_SERVERS`` | required | ``host:port[,host:port]`` of the brokers |
| ``HUB_LOG_TOPIC`` | ``hub.events`` | the log's topic (one partition) |
| ``HUB_REPLICA_PATH`` | required | the local replica (SQLite file; a cache of the topic) |
| ``HUB_LOCAL_PATH`` | replica path + ``.local.sqlite`` | tracking and snapshots kept only locally |
| ``HUB_LOG_REPLICATION_FACTOR`` | ``1`` | replication factor of a topic created by the hub |
| ``HUB_LOG_MIN_INSYNC_REPLICAS`` | ``1`` | ``min.insync.replicas`` of a topic created by the hub |
| ``HUB_LOG_TIMEOUT`` | ``5`` | seconds an append may wait for the broker before failing |
"""

from __future__ import annotations

import selectors
from dataclasses import dataclass
from typing import Any

from eventsourcing.utils import Environment
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

PARTITION = 0


class QuietSelector(selectors.DefaultSelector):
    """The standard selector, but asking for a socket it does not watch raises a bare
    ``KeyError``: the standard one words the error with the socket's ``repr``, which asks
    the kernel for both of its addresses.

    kafka-python's clients ask that before every wait on a socket (six times per
    transaction of the log's writer): two system calls each, each letting go of the
    interpreter's lock, which a client thread then waits to take back from the API's busy
    event loop. Given to the clients as their ``selector`` setting.
    """

    def get_key(self, fileobj: Any) -> selectors.SelectorKey:
        if self.get_map() is None:
            raise RuntimeError("Selector is closed")
        # the standard selectors' own index (``_BaseSelectorImpl``, unchanged since Python 3.4)
        index: dict[int, selectors.SelectorKey] = self._fd_to_key  # type: ignore[attr-defined]
        key = index.get(self._fileobj_lookup(fileobj))  # type: ignore[attr-defined]
        if key is None:
            raise KeyError(fileobj)
        return key


@dataclass(frozen=True)
class LogConfig:
    bootstrap_servers: str
    topic: str
    replica_path: str
    local_path: str
    replication_factor: int = 1
    min_insync_replicas: int = 1
    timeout: float = 5.0

    @property
    def transactional_id(self) -> str:
        """Stable per log: every writer of this topic fences the one before it."""
        return f"hub-writer.{self.topic}"

    @property
    def retry_after(self) -> int:
        return max(1, round(self.timeout))

    def client_options(self) -> dict[str, Any]:
        ms = int(self.timeout * 1000)
        return {
            "bootstrap_servers": self.bootstrap_servers.split(","),
            "request_timeout_ms": ms,
            "bootstrap_timeout_ms": ms,
            "reconnect_backoff_max_ms": 1000,
            "selector": QuietSelector,
        }

    def topic_configs(self) -> dict[str, str]:
        return {
            "retention.ms": "-1",
            "cleanup.policy": "delete",
            "min.insync.replicas": str(self.min_insync_replicas),
        }

    @classmethod
    def from_env(cls, env: Environment) -> LogConfig:
        bootstrap = _required(env, "KAFKA_BOOTSTRAP_SERVERS")
        replica = _required(env, "HUB_REPLICA_PATH")
        return cls(
            bootstrap_servers=bootstrap,
            topic=(env.get("HUB_LOG_TOPIC") or "hub.events").strip(),
            replica_path=replica,
            local_path=(env.get("HUB_LOCAL_PATH") or "").strip() or f"{replica}.local.sqlite",
            replication_factor=_number(env, "HUB_LOG_REPLICATION_FACTOR", int, 1),
            min_insync_replicas=_number(env, "HUB_LOG_MIN_INSYNC_REPLICAS", int, 1),
            timeout=_number(env, "HUB_LOG_TIMEOUT", float, 5.0),
        )


def _required(env: Environment, key: str) -> str:
    value = (env.get(key) or "").strip()
    if not value:
        keys = ", ".join(env.create_keys(key))
        raise OSError(f"Kafka log setting not found in environment with keys: {keys}")
    return value


def _number(env: Environment, key: str, kind: type[int] | type[float], default: float) -> Any:
    raw = (env.get(key) or "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise OSError(f"'{key}' must be a number: {raw!r}") from None
    if value <= 0:
        raise OSError(f"'{key}' must be positive: {raw!r}")
    return value


def topic_exists(config: LogConfig) -> bool:
    admin = KafkaAdminClient(**config.client_options())
    try:
        return config.topic in admin.list_topics()
    finally:
        admin.close()


def ensure_topic(config: LogConfig) -> bool:
    """Creates the log's topic if missing (one partition, kept forever); True if created."""
    admin = KafkaAdminClient(**config.client_options())
    try:
        if config.topic in admin.list_topics():
            return False
        topic = NewTopic(
            config.topic,
            num_partitions=1,
            replication_factor=config.replication_factor,
            topic_configs=config.topic_configs(),
        )
        try:
            admin.create_topics([topic])
        except TopicAlreadyExistsError:
            return False
        return True
    finally:
        admin.close()
