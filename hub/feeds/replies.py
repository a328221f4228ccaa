"""Agencies' answers from their own replies topics, applied exactly once; the rest to the DLQ.

Each agency writes its answers to ``{prefix}.replies.<agency_id>``, a topic the broker's ACLs
let only that agency's credentials write: the topic a reply comes from is the agency's
identity, never a header or the reply's body. Each reply is checked (well-formed, naming the
agency of its topic, for a referral that agency is party to, an action it may take) and
applied through the Application with its idempotency key as the referral's request key.

The applier assigns itself the partitions of every registered agency's replies topic (no
consumer group), creating the topics where the broker does not create them on first use,
and looks for newly registered agencies about once a second. Its position in each topic
partition is saved as tracking (``{prefix}.replies.<agency_id>/<partition>``) in the same
log transaction as the events the reply appends, so a restart resumes each topic from its
own position: no reply skipped, none applied twice. A reply that cannot be applied goes to
``{prefix}.replies.dlq`` with the reason and its source topic; operators list and retry dead
letters (``hub dlq …``, ``GET/POST /operations/dlq``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Tracking
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from domain.errors import DomainError
from domain.referral import Referral
from hub.eventlog.errors import describe_cause
from hub.feeds.topics import (
    Topics,
    agency_of,
    replies_dlq_topic,
    replies_resolved_topic,
    replies_topic,
)
from hub.identity.acting import acting_as, connector_actor

if TYPE_CHECKING:
    from hub.ports import HubPort

log = logging.getLogger(__name__)

REQUIRED = ("idempotency_key", "agency_id", "referral_id", "action")


@dataclass(frozen=True)
class Rejection:
    """Why a reply went to the dead-letter queue: a problem type and a readable detail."""

    error: str
    detail: str


#: how a reply's events name who acted: the agency's connector (its topic proves the agency)
CONNECTOR_NAME = "接口程序 / connector"


def tracking_name(topic: str, partition: int) -> str:
    """The name of the applier's position in one partition of a replies topic."""
    return f"{topic}/{partition}"


def reply_note(reply: dict[str, Any]) -> Any:
    """A reply's on-behalf-of note: ``on_behalf_of``, or from a connector written before it,
    the ``actor`` it names (kept as the note; who acted is the agency's connector)."""
    note = reply.get("on_behalf_of")
    return reply.get("actor") if note is None else note


def apply_reply(
    hub: HubPort, value: bytes, agency_id: UUID, tracking: Tracking | None = None
) -> Rejection | None:
    """Applies one reply of ``agency_id``, the agency of the topic it came from.

    Returns why not, or ``None`` when applied (or applied before).
    """
    try:
        reply = orjson.loads(value)
    except orjson.JSONDecodeError as e:
        return Rejection("malformed", f"not JSON: {e}")
    if not isinstance(reply, dict) or any(not reply.get(k) for k in REQUIRED):
        return Rejection("malformed", f"a reply needs {', '.join(REQUIRED)}")
    try:
        named = UUID(str(reply["agency_id"]))
        referral_id = UUID(str(reply["referral_id"]))
    except ValueError:
        return Rejection("malformed", "agency_id and referral_id are UUIDs")
    if named != agency_id:
        return Rejection("forbidden", "the reply names another agency than its topic's")
    try:
        referral = hub.load(Referral, referral_id)
        if referral.party(agency_id) is None:
            return Rejection("not-party", "the agency is not a party to this referral")
        with acting_as(connector_actor(agency_id, CONNECTOR_NAME)):
            hub.answer_referral(
                referral_id,
                agency_id,
                str(reply["action"]),
                reply.get("reason"),
                reply.get("outcome"),
                on_behalf_of=reply_note(reply),
                request_key=str(reply["idempotency_key"]),
                tracking=tracking,
            )
    except DomainError as e:
        return Rejection(e.rule, e.message)
    return None


class ReplyApplier:
    """Consumes every agency's replies topic from the positions recorded in the log."""

    def __init__(
        self, hub: HubPort, bootstrap: str, prefix: str, agencies_every: float = 1.0
    ) -> None:
        self.hub = hub
        self.prefix = prefix
        self.dlq_topic = replies_dlq_topic(prefix)
        self.agencies_every = agencies_every  # seconds between looks for new agencies
        self._agencies: set[UUID] = set()
        self._next_look = 0.0
        with contextlib.ExitStack() as undo:  # closes what was opened should a step fail
            self._topics = Topics(bootstrap)  # where the broker does not create topics itself
            undo.callback(self._topics.close)
            self._topics.ensure(self.dlq_topic, replies_resolved_topic(prefix))
            self.consumer = KafkaConsumer(
                bootstrap_servers=bootstrap,
                isolation_level="read_committed",
                enable_auto_commit=False,
                # a position before the topic's first record (one whose early records were
                # deleted) goes to its first record, never past replies not yet applied
                auto_offset_reset="earliest",
                max_poll_records=100,
                # a reply waits in the broker at most this long for a fetch to return (default
                # 500 ms; Tansu holds fetches that long: the round trip's "back" leg 186 -> ~95 ms)
                fetch_max_wait_ms=100,
            )
            undo.callback(self.consumer.close)
            self.dlq = KafkaProducer(
                bootstrap_servers=bootstrap, acks="all", enable_idempotence=True
            )
            undo.callback(self.dlq.close)
            self.follow_agencies()
            undo.pop_all()

    @property
    def partitions(self) -> list[TopicPartition]:
        """The replies topic partitions assigned now."""
        return sorted(self.consumer.assignment())

    def follow_agencies(self) -> None:
        """Assigns the replies topics of agencies registered since the last look, and the
        partitions added to the topics already followed (as the consumer's metadata, at most
        ``metadata_max_age_ms`` old, knows them).

        A new partition starts after the last offset tracked in the log for it (from its
        beginning for a new agency), so replies sent before the look are not missed.
        """
        self._next_look = time.monotonic() + self.agencies_every
        registered = self.hub.links.refresh(self.hub).agencies
        new = [a for a in registered if a not in self._agencies]
        if new:
            self._topics.ensure(*(replies_topic(self.prefix, a) for a in new))
            self._agencies.update(new)
        assigned = self.consumer.assignment()
        added = [
            tp
            for topic in (replies_topic(self.prefix, a) for a in self._agencies)
            for tp in (
                TopicPartition(topic, p)
                for p in sorted(self.consumer.partitions_for_topic(topic) or {0})
            )
            if tp not in assigned
        ]
        if not added:
            return
        self.consumer.assign([*assigned, *added])  # keeps the others' positions
        for tp in added:
            done = self.hub.recorder.max_tracking_id(tracking_name(tp.topic, tp.partition))
            self.consumer.seek(tp, 0 if done is None else done + 1)  # tracked: the offsets applied

    def step(self, timeout_ms: int = 200) -> tuple[int, int]:
        """Applies what is waiting; returns (applied, dead-lettered)."""
        if time.monotonic() >= self._next_look:
            self.follow_agencies()
        if not self.consumer.assignment():  # no agency registered yet
            time.sleep(timeout_ms / 1000)
            return 0, 0
        applied = dead = 0
        for tp, records in self.consumer.poll(timeout_ms=timeout_ms).items():
            agency_id = agency_of(self.prefix, tp.topic)
            if agency_id is None:  # never assigned; a reply's identity is its topic's
                continue
            for record in records:
                tracking = Tracking(tracking_name(tp.topic, tp.partition), record.offset)
                rejection = apply_reply(self.hub, record.value, agency_id, tracking)
                if rejection is None:
                    applied += 1
                    continue
                dead += 1
                self._dead_letter(tp, record, rejection)
                self.hub.record_tracking(tracking)
        return applied, dead

    def _dead_letter(self, tp: TopicPartition, record: Any, rejection: Rejection) -> None:
        """The reply to the DLQ: the hub's headers, then the reply's own ones as ``reply.*``."""
        self.dlq.send(
            self.dlq_topic,
            key=record.key,
            value=record.value,
            headers=[
                ("error", rejection.error.encode()),
                ("detail", rejection.detail.encode()),
                ("source", f"{tp.topic}:{tp.partition}:{record.offset}".encode()),
                *((f"reply.{k}", v) for k, v in (record.headers or [])),
            ],
        ).get(timeout=10)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.step()

    def close(self) -> None:
        self.consumer.close()
        self.dlq.close()
        self._topics.close()


class BackgroundApplier:
    """The reply applier on a thread of the process that writes the log (``hub serve``).

    The applier appends to the log, and the log has one writer: a ``hub replies run``
    process beside ``hub serve`` would fence the server's writer for good. Should the
    applier fail (broker or log away), it is closed and a new one starts after
    ``retry_seconds``, resuming from the position recorded in the log: replies it had
    polled but not applied come again, none is lost or applied twice.
    """

    def __init__(self, hub: HubPort, bootstrap: str, prefix: str, retry_seconds: float = 5.0):
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
                    describe_cause(error),
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
