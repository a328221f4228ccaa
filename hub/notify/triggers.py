"""What happened, and which officials are to be told (触发与收件人).

From the log: a referral arrives at an agency (its recipient is told); an answer arrives back
at the requester (accepted, rejected, completed, failed); a consent is withdrawn that an open
referral relied on, with no legal basis of its own (both parties are told). From the watch
list, as of the hub's day: each deadline turning amber and red (the agency it binds), and at
red the escalation (the heads of that agency and of its ``escalate_to`` agency). From the
replies' dead letters: each letter waiting (every administrator).

Recipients are officials of the agencies party to the thing, never anyone else: the roles
that act on it (case officers, caseworkers), or the heads when an agency has none; for an
escalation the heads. A disabled official is told nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.officials import OfficialRole
from domain.person import Person
from domain.referral import Referral

log = logging.getLogger(__name__)

ACTING = frozenset({OfficialRole.CASE_OFFICER.value, OfficialRole.CASEWORKER.value})
HEADS = frozenset(
    {
        OfficialRole.DEPARTMENT_HEAD.value,
        OfficialRole.CHIEF_PROCURATOR.value,
        OfficialRole.HEAD.value,
    }
)
ADMINS = frozenset({OfficialRole.ADMIN.value})
ANSWERS = ("accepted", "rejected", "completed", "failed")
CLOSED = ("rejected", "completed", "failed", "cancelled")
#: the log's events the notifier follows
TOPICS = [
    get_topic(Referral.Requested),
    get_topic(Referral.StatusChanged),
    get_topic(Person.ConsentWithdrawn),
]


@dataclass(frozen=True)
class Trigger:
    """Something to tell the officials of ``agency_id`` holding ``roles`` (or all of
    ``fallback`` when none holds them); ``key`` is unique per trigger and agency."""

    key: str
    trigger: str
    agency_id: str | None  # None: every official with the roles, in any agency
    roles: frozenset[str]
    params: dict[str, Any]
    fallback: frozenset[str] = HEADS


def item_id(key: str, user_id: str) -> str:
    return hashlib.sha256(f"{key}|{user_id}".encode()).hexdigest()[:32]


class Officials:
    """The officials of agencies, read once per batch."""

    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self._by_agency: dict[str | None, list[dict[str, Any]]] = {}

    def of(self, agency_id: str | None) -> list[dict[str, Any]]:
        if agency_id not in self._by_agency:
            users = self.hub.list_users(None if agency_id is None else UUID(agency_id))
            self._by_agency[agency_id] = [u for u in users if not u["disabled"]]
        return self._by_agency[agency_id]

    def recipients(self, trigger: Trigger) -> list[dict[str, Any]]:
        users = self.of(trigger.agency_id)
        chosen = [u for u in users if trigger.roles & set(u["roles"])]
        if not chosen and trigger.fallback:
            chosen = [u for u in users if trigger.fallback & set(u["roles"])]
        return chosen


class LogTriggers:
    """The triggers of the log's notifications (the followed topics only)."""

    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self._names: dict[str, str] = {}

    def name(self, agency_id: str) -> str:
        if agency_id not in self._names:
            self._names[agency_id] = str(self.hub.get_agency(UUID(agency_id))["name"])
        return self._names[agency_id]

    def of(self, batch: Sequence[Notification]) -> list[Trigger]:
        found: list[Trigger] = []
        for n in batch:
            try:
                event = self.hub.mapper.to_domain_event(n)
            except Exception as error:  # a person erased since: nothing to tell of it
                log.warning("notification %s not read (%s)", n.id, type(error).__name__)
                continue
            found += self._of(n.id, event)
        return found

    def _of(self, position: int, event: Any) -> Iterable[Trigger]:
        if isinstance(event, Referral.Requested):
            referral_id = str(event.originator_id)
            recipient = str(event.recipient_id)
            yield Trigger(
                f"log:{position}:arrived:{recipient}",
                "referral-arrived",
                recipient,
                ACTING,
                {
                    "referral_id": referral_id,
                    "requester": self.name(str(event.requester_id)),
                    "direction": event.direction,
                    "services": list(event.services),
                    "due_on": event.due_on.isoformat(),
                },
            )
        elif isinstance(event, Referral.StatusChanged) and event.status in ANSWERS:
            referral = self.hub.repository.get(
                event.originator_id, version=event.originator_version
            )
            requester = str(referral.requester_id)
            outcome = event.outcome or {}
            yield Trigger(
                f"log:{position}:answered:{requester}",
                "referral-answered",
                requester,
                ACTING,
                {
                    "referral_id": str(event.originator_id),
                    "recipient": self.name(str(referral.recipient_id)),
                    "status": event.status,
                    "successful": outcome.get("successful"),
                },
            )
        elif isinstance(event, Person.ConsentWithdrawn):
            yield from self._without_basis(position, event)

    def _without_basis(self, position: int, event: Person.ConsentWithdrawn) -> Iterable[Trigger]:
        withdrawn = None if event.consent_ids is None else set(event.consent_ids)
        links = self.hub.links.refresh(self.hub)
        for referral_id in list(links.referrals_by.get(event.originator_id, [])):
            try:
                referral = self.hub.repository.get(referral_id)
            except Exception:
                continue
            if not isinstance(referral, Referral) or referral.status in CLOSED:
                continue
            basis = referral.consent_id
            if basis is None and referral.legal_basis:
                continue  # it rests on a legal basis, not on consent
            if basis is not None and withdrawn is not None and str(basis) not in withdrawn:
                continue  # it rests on another consent
            for agency in {str(referral.requester_id), str(referral.recipient_id)}:
                yield Trigger(
                    f"log:{position}:consent:{referral_id}:{agency}",
                    "consent-withdrawn",
                    agency,
                    ACTING,
                    {"referral_id": str(referral_id)},
                )


def deadline_triggers(watch: dict[str, Any]) -> list[Trigger]:
    """Amber and red of each item of the watch list, and the escalation at red; each key
    names the deadline (its thing, stage, day and level), so it fires once."""
    found: list[Trigger] = []
    for item in watch["items"]:
        level = item["level"]
        if level not in ("amber", "red"):
            continue
        kind = item["kind"]
        if kind == "referral":
            bound = item["recipient"]
            stage = item["deadline_stage"]
        elif kind == "case":
            bound = item["procuratorate"]
            stage = item["deadline_stage"]
        else:
            bound = item["owner"]
            stage = item["deadline_stage"]
        deadline = f"{kind}:{item['id']}:{stage}:{item['deadline']}"
        params = {
            "kind": kind,
            "stage": stage,
            "deadline": item["deadline"],
            "days_overdue": item["days_overdue"],
            "working_days_left": item["working_days_left"],
            "agency": bound.get("name"),
            "referral_id": item["id"] if kind == "referral" else item.get("referral_id"),
            "case_id": item["id"] if kind == "case" else item.get("case_id"),
        }
        key = f"deadline:{deadline}:{level}"
        found.append(
            Trigger(key, f"deadline-{level}", bound["id"], ACTING, {**params, "fire_key": key})
        )
        if level == "red":
            key = f"escalation:{deadline}"
            targets = [bound["id"]]
            if item.get("escalate_to"):
                targets.append(item["escalate_to"]["id"])
            for agency in targets:
                found.append(
                    Trigger(
                        f"{key}:{agency}",
                        "escalation",
                        agency,
                        HEADS,
                        {**params, "fire_key": key},
                        fallback=ACTING,
                    )
                )
    return found


def dead_letter_triggers(letters: Iterable[Any]) -> list[Trigger]:
    """Each open dead letter, to every administrator, once."""
    found = []
    for letter in letters:
        key = f"dead-letter:{letter.id}"
        found.append(
            Trigger(
                key,
                "dead-letter",
                None,
                ADMINS,
                {"letter_id": letter.id, "error": letter.error, "fire_key": key},
                fallback=frozenset(),
            )
        )
    return found
