"""Answers to idempotent POSTs kept in the log, in the same commit as what the command appended.

A POST with an ``Idempotency-Key`` runs inside a :class:`Unit`: the command's saves are
collected, not recorded, and once the command has answered, its events and an
:class:`IdempotentAnswer` (the key's first answer) are recorded in one ``insert_events`` call:
one SQLite transaction on the embedded log, one Kafka transaction on the Kafka log. A crash
therefore leaves either nothing (the retry runs the command once) or both (the retry finds the
answer). The answer's stream id is derived from the key's scope and the key, so finding it is
an index look-up in the log (or the Kafka log's replica, which a rebuild restores).

Commands that append nothing (refusals, no-ops) keep their answer in the access store as before.

A unit run while other units wait for their commit (:mod:`hub.committer`) is given their
streams (``pending``): a command that loads one of them stops with :class:`Pending`, to run
again once that unit is settled, so that no command acts on a state the log may never hold,
nor on one about to be superseded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, DomainEventProtocol, event

#: the namespace of answers' stream ids (uuid5 of scope and key)
NAMESPACE = UUID("7d3f6a0c-3f4e-5b8e-9c1d-2a6b8e4f0d11")


def answer_id(scope: str, key: str) -> UUID:
    """The stream id of the answer to ``key`` within ``scope`` (an agency or a token)."""
    return uuid5(NAMESPACE, f"{scope}\n{key}")


class IdempotentAnswer(Aggregate):
    """The first answer to an idempotent POST (幂等应答): status and body, by request hash."""

    class Recorded(Aggregate.Created):
        request_hash: str
        status: int
        body: str

    @event(Recorded)
    def __init__(self, request_hash: str, status: int, body: str) -> None:
        self.request_hash = request_hash
        self.status = status
        self.body = body

    @classmethod
    def record(
        cls, *, scope: str, key: str, request_hash: str, status: int, body: bytes
    ) -> IdempotentAnswer:
        return cls._create(
            cls.Recorded,
            id=answer_id(scope, key),
            request_hash=request_hash,
            status=status,
            body=body.decode(),
        )


class Pending(Exception):
    """The command read a stream that a unit waiting for its commit changes: ``settled`` is
    that unit's (an awaitable done once it is recorded or refused); run the command again
    then."""

    def __init__(self, stream: UUID, settled: object) -> None:
        super().__init__(f"stream {stream} has a commit pending")
        self.settled = settled


@dataclass
class Unit:
    """What one command saved, held back until its answer is known, and what it loaded.

    ``loaded`` keeps each aggregate the command loaded (its own copy), so that a command that
    reads the same agency or person in several checks loads it once; ``read``, each it only
    read (the aggregate cache's own object, never changed).
    """

    aggregates: dict[UUID, Aggregate] = field(default_factory=dict)
    loaded: dict[UUID, Aggregate] = field(default_factory=dict)
    read: dict[UUID, Aggregate] = field(default_factory=dict)
    events: list[DomainEventProtocol[UUID]] = field(default_factory=list)
    #: streams changed by units not yet committed, each with its unit's settled-awaitable
    pending: Mapping[UUID, object] | None = None

    def check_pending(self, stream: UUID) -> None:
        """Raises :class:`Pending` if ``stream`` has a commit pending."""
        if self.pending:
            settled = self.pending.get(stream)
            if settled is not None:
                raise Pending(stream, settled)

    def collect(self, objs: tuple[Any, ...]) -> None:
        for obj in objs:
            if obj is None:
                continue
            if isinstance(obj, Aggregate):
                self.events.extend(obj.collect_events())
                self.aggregates[obj.id] = obj
            else:
                self.events.append(obj)


_current: ContextVar[Unit | None] = ContextVar("hub_unit", default=None)


def current_unit() -> Unit | None:
    """The unit the running command saves into, if it runs inside one."""
    return _current.get()


@contextmanager
def unit_of_work(pending: Mapping[UUID, object] | None = None) -> Iterator[Unit]:
    """Collects the saves of the commands run inside it (in this thread) into one unit;
    ``pending``: the streams of units waiting for their commit (see :class:`Pending`)."""
    unit = Unit(pending=pending)
    token = _current.set(unit)
    try:
        yield unit
    finally:
        _current.reset(token)
