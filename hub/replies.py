"""Agencies' answers from ``{prefix}.replies``, applied exactly once; the rest to the DLQ.

Each reply is checked (well-formed, from the agency it names, an action that agency may
take) and applied through the Application with its idempotency key as the referral's request
key. The applier's position in the replies topic is saved as tracking in the same log
transaction as the events the reply appends, so a restart neither skips nor repeats a reply.
It creates ``{prefix}.replies`` and ``{prefix}.replies.dlq`` when they are missing (brokers
with ACLs do not create topics on first use) before it assigns itself the partitions.
A reply that cannot be applied goes to ``{prefix}.replies.dlq`` with the reason; operators
list and retry dead letters (``hub dlq …``, ``GET/POST /operations/dlq``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Tracking
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from domain.errors import DomainError
from domain.referral import Referral
from hub.router import Topics

log = logging.getLogger(__name__)

REQUIRED = ("idempotency_key", "agency_id", "referral_id", "action", "actor")


@dataclass(frozen=True)
class Rejection:
    """Why a reply went to the dead-letter queue: a problem type and a readable detail."""

    error: str
    detail: str


def apply_reply(
    hub: Any, value: bytes, header_agency: str | None, tracking: Tracking | None = None
) -> Rejection | None:
    """Applies one reply record; returns why not, or ``None`` when applied (or already)."""
    try:
        reply = orjson.loads(value)
    except orjson.JSONDecodeError as e:
        return Rejection("malformed", f"not JSON: {e}")
    if not isinstance(reply, dict) or any(not reply.get(k) for k in REQUIRED):
        return Rejection("malformed", f"a reply needs {', '.join(REQUIRED)}")
    if header_agency is not None and header_agency != reply["agency_id"]:
        return Rejection("forbidden", "the reply names another agency than its sender")
    try:
        agency_id = UUID(str(reply["agency_id"]))
        referral_id = UUID(str(reply["referral_id"]))
    except ValueError:
        return Rejection("malformed", "agency_id and referral_id are UUIDs")
    try:
        referral = hub.load(Referral, referral_id)
        if referral.party(agency_id) is None:
            return Rejection("not-party", "the agency is not a party to this referral")
        hub.answer_referral(
            referral_id,
            agency_id,
            str(reply["action"]),
            str(reply["actor"]),
            reply.get("reason"),
            reply.get("outcome"),
            request_key=str(reply["idempotency_key"]),
            tracking=tracking,
        )
    except DomainError as e:
        return Rejection(e.rule, e.message)
    return None


def tracking_name(prefix: str, partition: int) -> str:
    return f"{prefix}.replies/{partition}"


class ReplyApplier:
    """Consumes the replies topic from the position recorded in the log; applies each reply."""

    def __init__(self, hub: Any, bootstrap: str, prefix: str) -> None:
        self.hub = hub
        self.prefix = prefix
        self.topic = f"{prefix}.replies"
        self.dlq_topic = f"{prefix}.replies.dlq"
        topics = Topics(bootstrap)  # where the broker does not create topics on first use
        try:
            topics.ensure(self.topic, self.dlq_topic)
        finally:
            topics.close()
        self.consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            isolation_level="read_committed",
            enable_auto_commit=False,
            max_poll_records=100,
            # a reply waits in the broker at most this long for a fetch to return (default
            # 500 ms; Tansu holds fetches that long: the round trip's "back" leg 186 -> ~95 ms)
            fetch_max_wait_ms=100,
        )
        partitions = self.consumer.partitions_for_topic(self.topic) or {0}
        self.partitions = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self.consumer.assign(self.partitions)
        for tp in self.partitions:
            done = hub.recorder.max_tracking_id(tracking_name(prefix, tp.partition)) or -1
            self.consumer.seek(tp, done + 1)  # tracking ids are the offsets applied
        self.dlq = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)

    def step(self, timeout_ms: int = 200) -> tuple[int, int]:
        """Applies what is waiting; returns (applied, dead-lettered)."""
        applied = dead = 0
        for tp, records in self.consumer.poll(timeout_ms=timeout_ms).items():
            for record in records:
                headers = {k: v.decode() for k, v in (record.headers or [])}
                tracking = Tracking(tracking_name(self.prefix, tp.partition), record.offset)
                rejection = apply_reply(self.hub, record.value, headers.get("agency_id"), tracking)
                if rejection is None:
                    applied += 1
                    continue
                dead += 1
                self.dlq.send(
                    self.dlq_topic,
                    key=record.key,
                    value=record.value,
                    headers=[
                        ("error", rejection.error.encode()),
                        ("detail", rejection.detail.encode()),
                        ("source", f"{tp.partition}:{record.offset}".encode()),
                        *record.headers,
                    ],
                ).get(timeout=10)
                self.hub.record_tracking(tracking)
        return applied, dead

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.step()

    def close(self) -> None:
        self.consumer.close()
        self.dlq.close()


class BackgroundApplier:
    """The reply applier on a thread of the process that writes the log (``hub serve``).

    The applier appends to the log, and the log has one writer: a ``hub replies run``
    process beside ``hub serve`` would fence the server's writer for good. Should the
    applier fail (broker or log away), it is closed and a new one starts after
    ``retry_seconds``, resuming from the position recorded in the log: replies it had
    polled but not applied come again, none is lost or applied twice.
    """

    def __init__(self, hub: Any, bootstrap: str, prefix: str, retry_seconds: float = 5.0):
        self.hub = hub
        self.bootstrap = bootstrap
        self.prefix = prefix
        self.retry_seconds = retry_seconds
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub-replies", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            applier = None
            try:
                applier = ReplyApplier(self.hub, self.bootstrap, self.prefix)
                applier.run(self._stop)
            except Exception as error:
                self.failures += 1
                log.warning(
                    "reply applier stopped (%s); resuming from the recorded position in %g s",
                    type(error).__name__,
                    self.retry_seconds,
                )
                self._stop.wait(self.retry_seconds)
            finally:
                if applier is not None:
                    with contextlib.suppress(Exception):
                        applier.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)
