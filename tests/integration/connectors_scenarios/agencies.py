"""The receiving agencies as SDK connectors, and the scenarios' answers strategy that uses them.

A scenario decides what an agency answers (accept and complete with the scenario's outcome,
reject with a reason, …); :class:`ConnectorAnswers` hands that decision to the agency's
:class:`Decisions` and waits until the hub shows it applied. The agency's
:class:`ScenarioAgency` connector — a real SDK connector on the agency's Kafka topic — sends
the decided answers to its own ``{prefix}.replies.<agency_id>`` when a record of its feed
waits for a decision: a new referral to it, or a change it did not make itself (scenario 6:
the procuratorate's case opened from the referral). Until the decision is there, ``handle``
raises ``Retryable`` (the agency's system has not decided yet) and the runner tries the same
record again.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Any

from connectors import Connector, FeedRecord, Outcome, Reply, Retryable
from connectors.sinks import ReplySink
from hub.demo.driver import Driver
from hub.demo.scenarios import Step

STATUS_AFTER = {
    "receive": "received",
    "accept": "accepted",
    "reject": "rejected",
    "start": "in-progress",
    "hold": "on-hold",
    "resume": "in-progress",
    "complete": "completed",
    "fail": "failed",
}
CLOSED = {"rejected", "completed", "failed", "cancelled"}
APPLIED_TIMEOUT = 30.0


class Decisions:
    """What an agency's staff decided per referral, in stages, for its connector to send.

    A stage is bound to the first feed record that takes it (by ``event_id``), so a record
    handled again yields the same answers with the same idempotency keys.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: dict[str, deque[tuple[Step, ...]]] = defaultdict(deque)
        self._bound: dict[str, tuple[Step, ...]] = {}

    def decide(self, referral_id: str, steps: tuple[Step, ...]) -> None:
        with self._lock:
            self._queued[referral_id].append(steps)

    def take(self, record: FeedRecord) -> tuple[Step, ...] | None:
        with self._lock:
            if record.event_id not in self._bound:
                queued = self._queued[record.referral_id]
                if not queued:
                    return None
                self._bound[record.event_id] = queued.popleft()
            return self._bound[record.event_id]


class ScenarioAgency(Connector):
    """One receiving agency: answers on its feed what its staff decided, nothing else."""

    def __init__(self, on_behalf_of: str, decisions: Decisions) -> None:
        self.on_behalf_of = on_behalf_of  # the caseworker its replies name (a note)
        self.decisions = decisions
        self._received: set[str] = set()  # referrals addressed to this agency
        self._made: dict[str, set[str]] = defaultdict(set)  # statuses its answers made

    def handle(self, record: FeedRecord) -> Iterable[Reply]:
        if record.incoming:
            self._received.add(record.referral_id)
        status = record.data.get("status")
        if (
            record.referral_id not in self._received  # the requesting side acts by API
            or status in CLOSED
            or status in self._made[record.referral_id]  # the echo of its own answer
        ):
            return []
        steps = self.decisions.take(record)
        if steps is None:
            raise Retryable("the agency has not decided yet")
        self._made[record.referral_id].update(STATUS_AFTER[action] for action, _ in steps)
        return [self._reply(record, action, fields) for action, fields in steps]

    def _reply(self, record: FeedRecord, action: str, fields: dict[str, Any]) -> Reply:
        outcome = fields.get("outcome")
        return record.reply(
            action,
            self.on_behalf_of,
            reason=fields.get("reason"),
            outcome=Outcome.from_dict(outcome) if outcome else None,
        )


class TwiceSink:
    """Sends every reply twice: each answer reaches the hub at least once more than needed."""

    def __init__(self, sink: ReplySink) -> None:
        self.sink = sink
        self.sent = 0

    def send(self, reply: Reply) -> None:
        self.sink.send(reply)
        self.sink.send(reply)
        self.sent += 2

    def close(self) -> None:
        self.sink.close()


class ConnectorAnswers:
    """The scenarios' answers strategy: each agency's connector sends what it was told.

    Returns once ``GET /referrals/{id}`` (read as the agency) shows the status the last step
    leads to; remembers every step given, per referral, for the exactly-once checks.
    """

    def __init__(self, decisions: dict[str, Decisions]) -> None:
        self.decisions = decisions  # agency name → its connector's decisions
        self.given: dict[str, list[tuple[str, Step]]] = defaultdict(list)  # referral → steps

    def __call__(self, d: Driver, agency: str, referral_id: str, *steps: Step) -> None:
        if agency not in self.decisions:
            raise AssertionError(f"no connector answers for {agency}")
        self.decisions[agency].decide(referral_id, steps)
        self.given[referral_id] += [(agency, step) for step in steps]
        wait_for_status(d, agency, referral_id, STATUS_AFTER[steps[-1][0]])


def wait_for_status(d: Driver, agency: str, referral_id: str, status: str) -> None:
    deadline = time.monotonic() + APPLIED_TIMEOUT
    seen = None
    while time.monotonic() < deadline:
        seen = d.get(agency, f"/referrals/{referral_id}")["status"]
        if seen == status:
            return
        time.sleep(0.05)
    raise AssertionError(f"referral {referral_id} still {seen}, not {status}, for {agency}")
