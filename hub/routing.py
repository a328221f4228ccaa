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
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.referral import Referral
from domain.values import ReferralStatus

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


def _agency(hub: Any, agency_id: UUID) -> dict[str, Any]:
    a = hub.get_agency(agency_id)
    return {"id": a["id"], "name": a["name"], "kind": a["kind"]}


def _outcome(outcome: dict[str, Any] | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {
        "successful": outcome["successful"],
        "provisions": [
            {k: p[k] for k in ("kind", "amount_fen", "provider")} for p in outcome["provisions"]
        ],
    }


class ReferralStates:
    """Referrals as of the last event routed, so that routing the log in order reads nothing.

    The state after an event is the cached state before it with the event applied; a
    referral not cached (or cached at another version) is read from the log.
    """

    def __init__(self, hub: Any, maxsize: int = 20_000) -> None:
        self._hub = hub
        self._maxsize = maxsize
        self._states: OrderedDict[Any, Any] = OrderedDict()

    def after(self, event: Any) -> tuple[Any, str | None]:
        """The referral after ``event``, and its status before (``None`` if not known)."""
        referral_id, version = event.originator_id, event.originator_version
        cached = self._states.pop(referral_id, None)
        if cached is not None and cached.version == version - 1:
            before: str | None = cached.status
            state = event.mutate(cached)
        else:
            state = self._hub.repository.get(referral_id, version=version)
            before = None
        self._states[referral_id] = state
        if len(self._states) > self._maxsize:
            self._states.popitem(last=False)
        return state, before


def feed_records(
    hub: Any, event: Any, position: int, states: ReferralStates | None = None
) -> list[dict[str, Any]]:
    """The records ``event`` (at log ``position``) gives each party of its referral."""
    referral_id = event.originator_id
    referral, before_status = (states or ReferralStates(hub)).after(event)
    parties = (referral.requester_id, referral.recipient_id)
    data: dict[str, Any] = {"status": referral.status}
    if isinstance(event, Referral.Requested):
        kind = "referral.requested"
        data |= {
            "requester": _agency(hub, referral.requester_id),
            "recipient": _agency(hub, referral.recipient_id),
            "direction": referral.direction,
            "services": referral.services,
            "due_on": referral.due_on.isoformat(),
            "person_id": str(referral.person_id),
            "re_referral_of": str(referral.re_referral_of) if referral.re_referral_of else None,
        }
    elif isinstance(event, Referral.ReReferred):
        kind = "referral.re-referred"
        data["re_referred_to"] = str(event.new_referral_id)
    elif event.status == ReferralStatus.IN_PROGRESS:
        if before_status is None:
            previous = event.originator_version - 1
            before_status = hub.repository.get(referral_id, version=previous).status
        resumed = before_status == ReferralStatus.ON_HOLD
        kind = "referral.resumed" if resumed else "referral.started"
    else:
        kind = RECORD_TYPES[ReferralStatus(event.status)]
        if event.status == ReferralStatus.COMPLETED:
            data["outcome"] = _outcome(referral.outcome)
    data["links"] = {
        "referral": f"/referrals/{referral_id}",
        "person": f"/persons/{referral.person_id}",
    }
    return [
        {
            "position": position,
            "event_id": f"{referral_id}:{event.originator_version}:{agency_id}",
            "type": kind,
            "at": event.timestamp.isoformat(),
            "agency_id": str(agency_id),
            "referral_id": str(referral_id),
            "case_id": str(referral.case_id) if referral.case_id else None,
            "data": data,
        }
        for agency_id in parties
    ]


def agency_feed(
    hub: Any, agency_id: UUID, after: int, limit: int = 100
) -> tuple[list[dict[str, Any]], int]:
    """The agency's records after log position ``after``; and the position read up to."""
    records: list[dict[str, Any]] = []
    position = after
    states = ReferralStates(hub)
    for notification in _notifications(hub, after, limit * 4):
        position = notification.id
        event = hub.mapper.to_domain_event(notification)
        records += [
            r
            for r in feed_records(hub, event, notification.id, states)
            if r["agency_id"] == str(agency_id)
        ]
        if len(records) >= limit:
            break
    return records, position


def _notifications(hub: Any, after: int, limit: int) -> Iterator[Any]:
    yield from hub.recorder.select_notifications(after + 1, limit, topics=ROUTED_TOPICS)
