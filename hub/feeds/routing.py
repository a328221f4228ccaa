"""What each agency receives of the log: its feed records (the router and the HTTP feed).

A feed record says what happened to a referral the agency is party to, with codes, dates,
amounts and ids only: no names, no free text. An agency reads the details its part needs —
the referral's reason, the person as far as its kind may see them — through the API with
its own token, where each read of personal data is recorded. So the agency topics on Kafka
carry no personal data at all, and an erased person is gone from every replay of them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

import orjson
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.referral import Referral
from domain.values import ReferralStatus
from hub.vault.chain import LINK_SIZE
from hub.vault.mapper import aes_cipher

if TYPE_CHECKING:
    from hub.ports import HubPort

RECORD_TYPES = {
    ReferralStatus.RECEIVED: "referral.received",
    ReferralStatus.ACCEPTED: "referral.accepted",
    ReferralStatus.REJECTED: "referral.rejected",
    ReferralStatus.ON_HOLD: "referral.on-hold",
    ReferralStatus.COMPLETED: "referral.completed",
    ReferralStatus.FAILED: "referral.failed",
    ReferralStatus.CANCELLED: "referral.cancelled",
}
ROUTED_EVENTS = (Referral.Requested, Referral.StatusChanged, Referral.ReReferred)
ROUTED_TOPICS = [get_topic(cls) for cls in ROUTED_EVENTS]


def _outcome(outcome: dict[str, Any] | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {
        "successful": outcome["successful"],
        "provisions": [
            {k: p[k] for k in ("kind", "amount_fen", "provider")} for p in outcome["provisions"]
        ],
    }


class RoutedEvent(NamedTuple):
    """A referral event as the feeds need it: plain values, ids as text.

    ``kind`` is the event's class name (``Requested``, ``StatusChanged``, ``ReReferred``);
    ``data`` its fields that feeds use.
    """

    position: int
    referral_id: str
    version: int
    at: str
    kind: str
    data: dict[str, Any]


KINDS = {get_topic(cls): cls.__name__ for cls in ROUTED_EVENTS}
#: the newest class version of each routed event this reader reads: ``Requested`` v2 only
#: added ``consent_id``, v3 the business dates (``requested_on``, ``found_on``,
#: ``backdate_reason``) and v4 ``answers_follow_up`` and ``answers_need``; v5 of ``Requested``
#: and v2 of ``StatusChanged`` and ``ReReferred`` turned the free-text ``requested_by`` or
#: ``actor`` into ``on_behalf_of``: what feeds carry is unchanged (none of these fields)
READABLE_VERSIONS = {"Requested": 5, "StatusChanged": 2, "ReReferred": 2}


def _dashed(hex_: str) -> str:
    """A UUID's text (as ``str(UUID)``) from its 32 hex digits."""
    return f"{hex_[:8]}-{hex_[8:12]}-{hex_[12:16]}-{hex_[16:20]}-{hex_[20:]}"


def _id(value: dict[str, str] | None) -> str | None:
    return None if value is None else _dashed(value["_data_"])


class RoutedEventReader:
    """Reads routed events straight from their stored form.

    The hub key decrypts the stored state (behind its hash-chain link) and the feeds' fields
    are taken from its JSON, the library's transcoded form (ids as ``{"_type_": "uuid_hex",
    "_data_": hex}``, times and dates as ISO text), without making domain events: the
    library's mapper turns every id into a UUID that feeds would turn back into text, which
    was most of the router's work. It gives what the domain event read through the hub's
    mapper gives (``tests/integration/routing`` compares them on the scenarios' log).
    """

    def __init__(self, hub_key: bytes) -> None:
        self._cipher = aes_cipher(hub_key)

    def read(self, n: Notification) -> RoutedEvent:
        """The routed event of notification ``n`` (a referral event the router routes)."""
        kind = KINDS[n.topic]
        s = orjson.loads(self._cipher.decrypt(n.state[LINK_SIZE:]))
        if s.get("class_version", 1) > READABLE_VERSIONS.get(kind, 1):
            # the library's mapper would upcast it; this reader knows the versions listed
            raise ValueError(f"{n.topic} at {n.id} has a class version the router cannot read")
        data: dict[str, Any]
        if kind == "Requested":
            data = {
                "requester_id": _id(s["requester_id"]),
                "recipient_id": _id(s["recipient_id"]),
                "person_id": _id(s["person_id"]),
                "case_id": _id(s["case_id"]),
                "direction": s["direction"],
                "services": s["services"],
                "due_on": s["due_on"]["_data_"],
                "re_referral_of": _id(s["re_referral_of"]),
            }
        elif kind == "StatusChanged":
            data = {"status": s["status"], "outcome": s["outcome"]}
        else:
            data = {"new_referral_id": _id(s["new_referral_id"])}
        at = s["timestamp"]["_data_"]
        return RoutedEvent(n.id, str(n.originator_id), n.originator_version, at, kind, data)


@dataclass(frozen=True, slots=True)
class RoutedReferral:
    """What routing needs of a referral: its parties, person, case, status and outcome."""

    version: int
    requester_id: str
    recipient_id: str
    person_id: str
    case_id: str | None
    status: str
    outcome: dict[str, Any] | None

    @classmethod
    def of(cls, referral: Referral) -> RoutedReferral:
        return cls(
            referral.version,
            str(referral.requester_id),
            str(referral.recipient_id),
            str(referral.person_id),
            None if referral.case_id is None else str(referral.case_id),
            referral.status,
            referral.outcome,
        )

    @classmethod
    def requested(cls, routed: RoutedEvent) -> RoutedReferral:
        d = routed.data
        return cls(
            routed.version,
            d["requester_id"],
            d["recipient_id"],
            d["person_id"],
            d["case_id"],
            ReferralStatus.REQUESTED.value,
            None,
        )

    def after(self, routed: RoutedEvent) -> RoutedReferral:
        """This referral after ``routed``, the next event of its stream (as the aggregate)."""
        if routed.kind == "StatusChanged":
            outcome = routed.data["outcome"]
            return replace(
                self,
                version=routed.version,
                status=routed.data["status"],
                outcome=self.outcome if outcome is None else outcome,
            )
        return replace(self, version=routed.version)


class Feeds:
    """Turns routed events, in log order, into each party's feed records.

    It keeps each referral as of the last event it saw (so that routing the log in order
    reads nothing back) and the agencies it named (their name and kind never change). A
    referral not kept, or kept at another version, is read from the log as it was before
    the event.
    """

    def __init__(self, hub: HubPort, maxsize: int = 20_000) -> None:
        self._hub = hub
        self._maxsize = maxsize
        self._states: OrderedDict[str, RoutedReferral] = OrderedDict()
        self._agencies: dict[str, dict[str, Any]] = {}

    def records(self, routed: RoutedEvent) -> list[dict[str, Any]]:
        """The records ``routed`` gives each party of its referral."""
        referral, before = self._after(routed)
        referral_id, person_id = routed.referral_id, referral.person_id
        data: dict[str, Any] = {"status": referral.status}
        if routed.kind == "Requested":
            kind = "referral.requested"
            d = routed.data
            data |= {
                "requester": self._agency(d["requester_id"]),
                "recipient": self._agency(d["recipient_id"]),
                "direction": d["direction"],
                "services": d["services"],
                "due_on": d["due_on"],
                "person_id": person_id,
                "re_referral_of": d["re_referral_of"],
            }
        elif routed.kind == "ReReferred":
            kind = "referral.re-referred"
            data["re_referred_to"] = routed.data["new_referral_id"]
        elif referral.status == ReferralStatus.IN_PROGRESS:
            resumed = before == ReferralStatus.ON_HOLD
            kind = "referral.resumed" if resumed else "referral.started"
        else:
            kind = RECORD_TYPES[ReferralStatus(referral.status)]
            if referral.status == ReferralStatus.COMPLETED:
                data["outcome"] = _outcome(referral.outcome)
        data["links"] = {
            "referral": f"/referrals/{referral_id}",
            "person": f"/persons/{person_id}",
        }
        return [
            {
                "position": routed.position,
                "event_id": f"{referral_id}:{routed.version}:{agency_id}",
                "type": kind,
                "at": routed.at,
                "agency_id": agency_id,
                "referral_id": referral_id,
                "case_id": referral.case_id,
                "data": data,
            }
            for agency_id in (referral.requester_id, referral.recipient_id)
        ]

    def _after(self, routed: RoutedEvent) -> tuple[RoutedReferral, str | None]:
        """The referral after ``routed``, and its status before (``None`` for a new one)."""
        before: str | None
        if routed.kind == "Requested":
            before, state = None, RoutedReferral.requested(routed)
        else:
            cached = self._states.pop(routed.referral_id, None)
            if cached is None or cached.version != routed.version - 1:
                referral: Referral = self._hub.repository.get(
                    UUID(routed.referral_id), version=routed.version - 1
                )
                cached = RoutedReferral.of(referral)
            before, state = cached.status, cached.after(routed)
        self._states[routed.referral_id] = state
        if len(self._states) > self._maxsize:
            self._states.popitem(last=False)
        return state, before

    def _agency(self, agency_id: str) -> dict[str, Any]:
        agency = self._agencies.get(agency_id)
        if agency is None:
            a = self._hub.get_agency(UUID(agency_id))
            agency = self._agencies[agency_id] = {
                "id": a["id"],
                "name": a["name"],
                "kind": a["kind"],
            }
        return agency


def agency_feed(
    hub: HubPort, agency_id: UUID, after: int, limit: int = 100
) -> tuple[list[dict[str, Any]], int]:
    """The agency's records after log position ``after``; and the position read up to."""
    records: list[dict[str, Any]] = []
    position = after
    feeds = Feeds(hub)
    reader = RoutedEventReader(hub.hub_key)
    wanted = str(agency_id)
    for notification in _notifications(hub, after, limit * 4):
        position = notification.id
        routed = reader.read(notification)
        records += [r for r in feeds.records(routed) if r["agency_id"] == wanted]
        if len(records) >= limit:
            break
    return records, position


def _notifications(hub: HubPort, after: int, limit: int) -> Iterator[Notification]:
    yield from hub.recorder.select_notifications(after + 1, limit, topics=ROUTED_TOPICS)
