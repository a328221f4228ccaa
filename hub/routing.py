"""What each agency receives of the log: its feed records (the router and the HTTP feed).

A feed record says what happened to a referral the agency is party to, with codes, dates,
amounts and ids only: no names, no free text. An agency reads the details its part needs —
the referral's reason, the person as far as its kind may see them — through the API with
its own token, where each read of personal data is recorded. So the agency topics on Kafka
carry no personal data at all, and an erased person is gone from every replay of them.
"""

from __future__ import annotations

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


def feed_records(hub: Any, event: Any, position: int) -> list[dict[str, Any]]:
    """The records ``event`` (at log ``position``) gives each party of its referral."""
    referral_id = event.originator_id
    referral = hub.repository.get(referral_id, version=event.originator_version)
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
        before = hub.repository.get(referral_id, version=event.originator_version - 1)
        kind = "referral.resumed" if before.status == ReferralStatus.ON_HOLD else "referral.started"
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
    for notification in _notifications(hub, after, limit * 4):
        position = notification.id
        event = hub.mapper.to_domain_event(notification)
        records += [
            r for r in feed_records(hub, event, notification.id) if r["agency_id"] == str(agency_id)
        ]
        if len(records) >= limit:
            break
    return records, position


def _notifications(hub: Any, after: int, limit: int) -> Iterator[Any]:
    yield from hub.recorder.select_notifications(after + 1, limit, topics=ROUTED_TOPICS)
