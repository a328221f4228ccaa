"""The two records of the connector contract: feed records in, replies out.

The shapes are fixed in ``docs/architecture.md`` ("Agency feed and replies"); this module is
the connector's copy of them, as plain dataclasses with their JSON (orjson) forms. Replies
carry a deterministic idempotency key (:func:`idempotency_key`), so a record delivered again
after a crash produces the very same reply, and the hub applies it once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

ACTIONS = ("receive", "accept", "reject", "start", "hold", "resume", "complete", "fail")
NEEDS_REASON = frozenset({"reject", "hold", "fail"})
PROVISION_KINDS = (
    "money",
    "job",
    "counselling",
    "loan",
    "allowance",
    "in-kind",
    "judicial-relief",
    "other",
)


def idempotency_key(agency_id: str, referral_id: str, action: str, position: int | str) -> str:
    """The key of an answer: the same (agency, referral, action, event position) → same key.

    ``position`` is the feed record's position for answers to a record; other channels pass
    a stable token of their own (the batch importer ``"batch"``, the webhook callback the
    agency's key), so that a retried answer reuses its key.
    """
    text = f"{agency_id}|{referral_id}|{action}|{position}"
    return "ck-" + hashlib.sha256(text.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class FeedRecord:
    """One record of an agency's feed; ``ref`` is where it came from (for the commit)."""

    position: int
    event_id: str
    type: str
    at: str
    agency_id: str
    referral_id: str
    case_id: str | None
    data: dict[str, Any]
    raw: bytes = b""
    ref: Any = field(default=None, compare=False)

    @classmethod
    def from_dict(cls, value: dict[str, Any], raw: bytes = b"", ref: Any = None) -> FeedRecord:
        return cls(
            position=int(value["position"]),
            event_id=str(value["event_id"]),
            type=str(value["type"]),
            at=str(value["at"]),
            agency_id=str(value["agency_id"]),
            referral_id=str(value["referral_id"]),
            case_id=value.get("case_id"),
            data=dict(value.get("data") or {}),
            raw=raw or orjson.dumps(value),
            ref=ref,
        )

    @classmethod
    def from_json(cls, raw: bytes, ref: Any = None) -> FeedRecord:
        """The record in ``raw``; one that does not parse is kept as :attr:`broken`."""
        try:
            return cls.from_dict(orjson.loads(raw), raw, ref)
        except (ValueError, KeyError, TypeError) as error:
            return cls(0, "", "", "", "", "", None, {"error": repr(error)}, raw, ref)

    @property
    def broken(self) -> bool:
        """The bytes were not a feed record (they go straight to the dead letters)."""
        return self.type == ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "event_id": self.event_id,
            "type": self.type,
            "at": self.at,
            "agency_id": self.agency_id,
            "referral_id": self.referral_id,
            "case_id": self.case_id,
            "data": self.data,
        }

    @property
    def incoming(self) -> bool:
        """A new referral to this agency (``referral.requested`` with it as recipient)."""
        recipient = self.data.get("recipient") or {}
        return self.type == "referral.requested" and recipient.get("id") == self.agency_id

    def reply(
        self,
        action: str,
        on_behalf_of: str | None = None,
        reason: str | None = None,
        outcome: Outcome | None = None,
    ) -> Reply:
        """This agency's answer to the record's referral, keyed by the record's position;
        ``on_behalf_of`` optionally names the caseworker at the agency who answered (the hub
        records the agency's connector as who acted)."""
        key = idempotency_key(self.agency_id, self.referral_id, action, self.position)
        return Reply(key, self.agency_id, self.referral_id, action, on_behalf_of, reason, outcome)


@dataclass(frozen=True)
class Provision:
    """One thing given (救助形式): money in integer fen, a job, counselling, …"""

    kind: str
    provider: str
    amount_fen: int | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in PROVISION_KINDS:
            raise ValueError(
                f"unknown provision kind {self.kind!r}; one of: {', '.join(PROVISION_KINDS)}"
            )
        if self.amount_fen is not None and (
            type(self.amount_fen) is not int or self.amount_fen <= 0
        ):
            raise ValueError("amount_fen must be a positive whole number of fen")
        if self.kind == "money" and self.amount_fen is None:
            raise ValueError("money needs amount_fen")
        if not self.provider.strip():
            raise ValueError("a provision needs its provider")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "amount_fen": self.amount_fen,
            "provider": self.provider,
            "description": self.description,
        }


@dataclass(frozen=True)
class Outcome:
    """What came of a referral (办结 or 未能办结); a reason when not successful."""

    successful: bool
    provisions: tuple[Provision, ...] = ()
    reason: str | None = None

    def __post_init__(self) -> None:
        if not self.successful and not (self.reason and self.reason.strip()):
            raise ValueError("an unsuccessful outcome needs a reason")

    def to_dict(self) -> dict[str, Any]:
        return {
            "successful": self.successful,
            "reason": self.reason,
            "provisions": [p.to_dict() for p in self.provisions],
        }

    @classmethod
    def from_dict(cls, value: dict[str, Any]) -> Outcome:
        provisions = tuple(
            Provision(
                kind=str(p["kind"]),
                provider=str(p["provider"]),
                amount_fen=p.get("amount_fen"),
                description=str(p.get("description") or ""),
            )
            for p in value.get("provisions") or ()
        )
        if not isinstance(value["successful"], bool):
            raise ValueError("successful must be true or false")
        return cls(value["successful"], provisions, value.get("reason"))


@dataclass(frozen=True)
class Reply:
    """An agency's answer to a referral, exactly as the hub receives it.

    ``on_behalf_of`` is an optional note (at most 200 characters): the caseworker at the agency
    on whose behalf the connector answers. Who acted is the connector, proved by its token or
    its topic; the hub takes no name of who acted from a reply.
    """

    idempotency_key: str
    agency_id: str
    referral_id: str
    action: str
    on_behalf_of: str | None = None
    reason: str | None = None
    outcome: Outcome | None = None

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}; one of: {', '.join(ACTIONS)}")
        if self.action in NEEDS_REASON and not (self.reason and self.reason.strip()):
            raise ValueError(f"the action {self.action!r} needs a reason")
        if self.on_behalf_of is not None and not (0 < len(self.on_behalf_of.strip()) <= 200):
            raise ValueError("on_behalf_of is a name of 1 to 200 characters, or none")

    def body(self) -> dict[str, Any]:
        """The HTTP body of ``POST /referrals/{referral_id}/{action}``."""
        outcome = self.outcome.to_dict() if self.outcome else None
        return {"on_behalf_of": self.on_behalf_of, "reason": self.reason, "outcome": outcome}

    def to_dict(self) -> dict[str, Any]:
        """The value of the reply record on ``{prefix}.replies.<agency_id>``."""
        return {
            "idempotency_key": self.idempotency_key,
            "agency_id": self.agency_id,
            "referral_id": self.referral_id,
            "action": self.action,
            **self.body(),
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, value: dict[str, Any]) -> Reply:
        outcome = value.get("outcome")
        return cls(
            idempotency_key=str(value["idempotency_key"]),
            agency_id=str(value["agency_id"]),
            referral_id=str(value["referral_id"]),
            action=str(value["action"]),
            on_behalf_of=note_of(value),
            reason=value.get("reason"),
            outcome=Outcome.from_dict(outcome) if outcome else None,
        )


def note_of(value: dict[str, Any]) -> str | None:
    """A reply's note: ``on_behalf_of``, or ``actor`` in a reply written before it."""
    note = value.get("on_behalf_of", value.get("actor"))
    return None if note is None else str(note)
