"""Dead letters: replies that could not be applied, listed and retried by operators.

They are the records of ``{prefix}.replies.dlq`` (the original reply, and headers ``error``,
``detail`` and ``source``). Retrying applies the reply again through the same checks; a
letter that now applies is marked resolved by a record on ``{prefix}.replies.dlq.resolved``
(the DLQ itself is never rewritten), so it leaves the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from hub.replies import Rejection, apply_reply


@dataclass(frozen=True)
class DeadLetter:
    id: str  # "<partition>:<offset>" in the DLQ topic
    error: str
    detail: str
    source: str
    value: bytes
    headers: dict[str, str]

    @property
    def reply(self) -> dict[str, Any]:
        try:
            loaded = orjson.loads(self.value)
        except orjson.JSONDecodeError:
            return {}
        return loaded if isinstance(loaded, dict) else {}


class DeadLetters:
    def __init__(self, bootstrap: str, prefix: str) -> None:
        self.bootstrap = bootstrap
        self.topic = f"{prefix}.replies.dlq"
        self.resolved_topic = f"{prefix}.replies.dlq.resolved"

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
        resolved = {r.value.decode() for r in self._read(self.resolved_topic)}
        letters = []
        for r in self._read(self.topic):
            letter_id = f"{r.partition}:{r.offset}"
            if letter_id in resolved:
                continue
            headers = {k: v.decode(errors="replace") for k, v in (r.headers or [])}
            letters.append(
                DeadLetter(
                    letter_id,
                    headers.get("error", ""),
                    headers.get("detail", ""),
                    headers.get("source", ""),
                    r.value,
                    headers,
                )
            )
        return letters

    def retry(self, hub: Any, letter_id: str) -> Rejection | None:
        letter = next((x for x in self.list() if x.id == letter_id), None)
        if letter is None:
            return Rejection("not-found", f"no open dead letter {letter_id}")
        rejection = apply_reply(hub, letter.value, letter.headers.get("agency_id"))
        if rejection is None:
            producer = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all")
            try:
                producer.send(self.resolved_topic, value=letter_id.encode()).get(timeout=10)
            finally:
                producer.close()
        return rejection
