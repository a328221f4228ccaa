"""Dead letters: replies that could not be applied, listed and retried by operators.

They are the records of ``{prefix}.replies.dlq``: the original reply (key and value), the
hub's headers ``error``, ``detail`` and ``source`` (``<topic>:<partition>:<offset>`` of the
reply in its agency's replies topic) and the reply's own headers as ``reply.<name>``.
Retrying puts the reply back on the topic it came from, so the applier takes it again with
the identity of that topic (never another agency's), and marks the letter resolved by a
record on ``{prefix}.replies.dlq.resolved`` (the DLQ itself is never rewritten), so it leaves
the list. A reply that still cannot be applied comes back as a new letter with its reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from hub.feeds.replies import Rejection, tracking_name
from hub.feeds.topics import Topics, agency_of, replies_dlq_topic, replies_resolved_topic

if TYPE_CHECKING:
    from hub.ports import HubPort

HUB_HEADERS = ("error", "detail", "source")


@dataclass(frozen=True)
class DeadLetter:
    id: str  # "<partition>:<offset>" in the DLQ topic
    error: str
    detail: str
    source: str  # "<topic>:<partition>:<offset>" of the reply
    key: bytes | None
    value: bytes
    reply_headers: tuple[tuple[str, bytes], ...]  # the reply's own headers

    @property
    def reply(self) -> dict[str, Any]:
        try:
            loaded = orjson.loads(self.value)
        except orjson.JSONDecodeError:
            return {}
        return loaded if isinstance(loaded, dict) else {}


@dataclass(frozen=True)
class Republished:
    """A dead letter's reply, back on its agency's replies topic at ``offset``."""

    letter_id: str
    topic: str
    partition: int
    offset: int

    @property
    def source(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"


def _letter(record: Any) -> DeadLetter:
    ours: dict[str, str] = {}
    theirs: list[tuple[str, bytes]] = []
    for name, value in record.headers or []:
        if name.startswith("reply."):
            theirs.append((name.removeprefix("reply."), value))
        elif name in HUB_HEADERS:
            ours.setdefault(name, value.decode(errors="replace"))
    return DeadLetter(
        f"{record.partition}:{record.offset}",
        ours.get("error", ""),
        ours.get("detail", ""),
        ours.get("source", ""),
        record.key,
        record.value,
        tuple(theirs),
    )


class DeadLetters:
    def __init__(self, bootstrap: str, prefix: str) -> None:
        self.bootstrap = bootstrap
        self.prefix = prefix
        self.topic = replies_dlq_topic(prefix)
        self.resolved_topic = replies_resolved_topic(prefix)

    def _read(self, topic: str) -> list[Any]:
        consumer = KafkaConsumer(
            bootstrap_servers=self.bootstrap,
            isolation_level="read_committed",
            enable_auto_commit=False,
            consumer_timeout_ms=500,
        )
        try:
            partitions = consumer.partitions_for_topic(topic)
            if not partitions:
                return []
            tps = [TopicPartition(topic, p) for p in sorted(partitions)]
            consumer.assign(tps)
            consumer.seek_to_beginning(*tps)
            ends = consumer.end_offsets(tps)
            records: list[Any] = []
            while any(consumer.position(tp) < ends[tp] for tp in tps):
                batch = consumer.poll(timeout_ms=500)
                if not batch:
                    break
                for part in batch.values():
                    records.extend(part)
            return records
        finally:
            consumer.close()

    def list(self) -> list[DeadLetter]:
        """The open letters, oldest first."""
        resolved = {r.value.decode() for r in self._read(self.resolved_topic)}
        letters = (_letter(r) for r in self._read(self.topic))
        return [x for x in letters if x.id not in resolved]

    def retry(self, letter_id: str) -> Republished | Rejection:
        """Puts the letter's reply back on its source topic and resolves the letter.

        The reply goes out before the letter is resolved: should the resolution be lost, a
        second retry sends the reply again, and its idempotency key applies it once.
        """
        letter = next((x for x in self.list() if x.id == letter_id), None)
        if letter is None:
            return Rejection("not-found", f"no open dead letter {letter_id}")
        source = letter.source.rsplit(":", 2)
        if len(source) != 3 or agency_of(self.prefix, source[0]) is None or not source[1].isdigit():
            return Rejection(
                "malformed", f"the letter's source {letter.source!r} is no replies topic"
            )
        topic, partition = source[0], int(source[1])
        topics = Topics(self.bootstrap)  # where the broker does not create topics itself
        try:
            topics.ensure(self.resolved_topic)
        finally:
            topics.close()
        producer = KafkaProducer(
            bootstrap_servers=self.bootstrap, acks="all", enable_idempotence=True
        )
        try:
            sent = producer.send(
                topic,
                partition=partition,
                key=letter.key,
                value=letter.value,
                headers=list(letter.reply_headers),
            ).get(timeout=10)
            producer.send(self.resolved_topic, value=letter_id.encode()).get(timeout=10)
        finally:
            producer.close()
        return Republished(letter_id, topic, sent.partition, sent.offset)

    def outcome(
        self, hub: HubPort, republished: Republished, timeout: float = 10.0
    ) -> DeadLetter | None:
        """Waits until the hub's reply applier took the republished reply: the new dead
        letter it became, or ``None`` when it was applied.

        Raises :class:`TimeoutError` when the applier has not taken it within ``timeout``
        seconds (it runs in ``hub serve`` on Kafka, unless ``--no-replies``).
        """
        name = tracking_name(republished.topic, republished.partition)
        deadline = time.monotonic() + timeout
        while (done := hub.recorder.max_tracking_id(name)) is None or done < republished.offset:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the reply applier has not taken {republished.source} yet")
            time.sleep(0.05)
        # the applier writes a letter before it records the position
        return next((x for x in self.list() if x.source == republished.source), None)
