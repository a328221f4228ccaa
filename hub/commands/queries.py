"""Queries answered from the log itself: a case file, a referral, histories, agencies, aid.

These read aggregates and scan the log's notifications filtered by event topic. The
projections in ``projections/`` serve the same questions from views at scale; these are the
source of truth they are checked against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic

from domain.acting import ACTED_BY, actor_of, on_behalf_of
from domain.agency import Agency
from domain.case import DECISION_WORKING_DAYS, AidCase
from domain.errors import NotFound
from domain.mechanism import LinkageMechanism
from domain.person import Person
from domain.referral import Referral
from domain.values import COUNTED_ELSEWHERE, ReferralStatus, money_totals
from hub.commands.base import HubBase, plain
from hub.commands.links import LinkIndex

HIDDEN_FIELDS = {"originator_id", "originator_version", "originator_topic", "timestamp", ACTED_BY}


def agency_dict(a: Agency) -> dict[str, Any]:
    return plain(
        {
            "id": a.id,
            "name": a.name,
            "kind": a.kind,
            "level": a.level,
            "region_code": a.region_code,
            "services": a.services,
            "response_days": a.response_days,
            "parent_id": a.parent_id,
            "version": a.version,
        }
    )


class HubQueries(HubBase):
    links: LinkIndex
    basis_lost: Callable[[Person, Referral], bool]

    # Agencies and linkage mechanisms (registered by hub.commands.registry)

    def get_agency(self, agency_id: UUID) -> dict[str, Any]:
        return agency_dict(self.load(Agency, agency_id))

    def get_mechanism(self, mechanism_id: UUID) -> dict[str, Any]:
        m = self.load(LinkageMechanism, mechanism_id)
        return plain(
            {
                "id": m.id,
                "name": m.name,
                "region_code": m.region_code,
                "lead_agency_id": m.lead_agency_id,
                "signed_on": m.signed_on,
                "members": [{"agency_id": a, "responsibility": r} for a, r in m.members.items()],
                "version": m.version,
            }
        )

    def scan(self, *event_classes: type) -> Iterator[Any]:
        """Every event of the given classes, in log order."""
        topics = [get_topic(cls) for cls in event_classes]
        start = 1
        while True:
            batch = self.recorder.select_notifications(start, 500, topics=topics)
            for notification in batch:
                yield self.mapper.to_domain_event(notification)
            if len(batch) < 500:
                return
            start = batch[-1].id + 1

    def history(self, aggregate_id: UUID) -> list[dict[str, Any]]:
        """The aggregate's events, readable: what happened, when, who did it (the principal
        stamped on the event, or the free text an old event recorded), on whose behalf (the
        step's note, if any) and the details."""
        return [
            {
                "version": e.originator_version,
                "event": type(e).__name__,
                "at": e.timestamp.isoformat(),
                "by": actor_of(e),
                "on_behalf_of": on_behalf_of(e),
                "details": plain({k: v for k, v in vars(e).items() if k not in HIDDEN_FIELDS}),
            }
            for e in cast("Iterator[DomainEvent]", self.events.get(aggregate_id))
        ]

    def list_agencies(self) -> list[dict[str, Any]]:
        return [agency_dict(self.load(Agency, i)) for i in self.links.refresh(self).agencies]

    def referral_ids(
        self,
        *,
        agency_id: UUID | None = None,
        case_id: UUID | None = None,
        person_id: UUID | None = None,
    ) -> list[UUID]:
        """The referrals of an agency, a case and/or a person (all that match), in log order."""
        links = self.links.refresh(self)
        keys = [UUID(str(v)) for v in (agency_id, case_id, person_id) if v is not None]
        if not keys:
            return list(links.referrals)
        found = [set(links.referrals_by.get(k, ())) for k in keys[1:]]
        return [r for r in links.referrals_by.get(keys[0], ()) if all(r in f for f in found)]

    def case_ids(self, *, person_id: UUID | None = None) -> list[UUID]:
        """Every case, or the cases of a person, in log order."""
        links = self.links.refresh(self)
        if person_id is None:
            return list(links.cases)
        return list(links.cases_by_person.get(UUID(str(person_id)), ()))

    def get_referral(self, referral_id: UUID) -> dict[str, Any]:
        r = self.load(Referral, referral_id)
        person = self.load(Person, r.person_id)
        return plain(
            {
                "id": r.id,
                "requester_id": r.requester_id,
                "recipient_id": r.recipient_id,
                "direction": r.direction,
                "person_id": r.person_id,
                "case_id": r.case_id,
                "reason": r.reason,
                "services": r.services,
                "due_on": r.due_on,
                "status": r.status,
                "consent": r.consent,
                "consent_id": r.consent_id,
                "basis_lost": self.basis_lost(person, r),
                "legal_basis": r.legal_basis,
                "invoked_by": r.invoked_by,
                "on_behalf_of": r.on_behalf_of,
                "outcome": r.outcome,
                "re_referral_of": r.re_referral_of,
                "re_referred_to": r.re_referred_to,
                "answers_follow_up": r.answers_follow_up,
                "answers_need": r.answers_need,
                "requested_at": r.created_on.isoformat(),
                "requested_on": r.requested_on,
                "found_on": r.found_on,
                "version": r.version,
            }
        )

    def agency_referrals(self, agency_id: UUID) -> list[dict[str, Any]]:
        return [self.get_referral(i) for i in self.referral_ids(agency_id=agency_id)]

    def get_case(self, case_id: UUID) -> dict[str, Any]:
        """The case file: the case, its referrals and the aid given through them."""
        case = self.load(AidCase, case_id)
        referrals = [self.get_referral(i) for i in self.referral_ids(case_id=case_id)]
        return {
            **case.summary_dict(),
            **case.procedure_dict(),
            "referrals": referrals,
            "social_aid": _provisions(referrals),
        }

    def list_cases(
        self,
        procuratorate_id: UUID | None,
        *,
        stage: str | None = None,
        officer: str | None = None,
        due_before: date | None = None,
        cursor: int = 0,
        limit: int = 50,
    ) -> dict[str, Any]:
        """A procuratorate's cases (``None``: every one, for auditors) in the order received,
        filtered by stage, by an official who acted on them (by name), and by the decision deadline
        (received + :data:`DECISION_WORKING_DAYS` working days, for cases not yet decided)
        falling on or before ``due_before``; a page of ``limit`` from ``cursor``."""
        links = self.links.refresh(self)
        ids = (
            links.cases
            if procuratorate_id is None
            else links.cases_by_procuratorate.get(UUID(str(procuratorate_id)), [])
        )
        items: list[dict[str, Any]] = []
        position = cursor
        while position < len(ids) and len(items) < limit:
            case = self._read_case(ids[position])
            position += 1
            if stage is not None and case.stage != stage:
                continue
            officers = links.officers(case.id, case.version, partial(self.officials_of, case.id))
            if officer is not None and officer not in officers:
                continue
            due = None
            if not case.decided:
                due = self.calendar.add_working_days(case.received_on, DECISION_WORKING_DAYS)
            if due_before is not None and (due is None or due > due_before):
                continue
            items.append(
                {
                    **case.summary_dict(),
                    "received_on": case.received_on.isoformat(),
                    "officers": officers,
                    "decision_due_on": due.isoformat() if due else None,
                }
            )
        more = position < len(ids)
        return {"items": items, "next_cursor": str(position) if more else None}

    def _read_case(self, case_id: UUID) -> AidCase:
        """A case to read and not change: the cached aggregate brought up to date, not a copy
        of it (a list page reads 50; :meth:`load` deep-copies each, for commands)."""
        case: object = self.repository.get(case_id, deepcopy_from_cache=False)
        if not isinstance(case, AidCase):
            raise NotFound(f"AidCase {case_id} not found")
        return case

    def officials_of(self, case_id: UUID) -> list[str]:
        """The names of the officials who acted on the case, in the order they first did (the
        principals stamped on its events; for an old event, the officer it recorded)."""
        names: list[str] = []
        for e in cast("Iterator[DomainEvent]", self.events.get(case_id)):
            by = actor_of(e)
            if by is not None and by["kind"] in ("user", "recorded") and by["name"] not in names:
                names.append(by["name"])
        return names

    def case_parties(self, case_id: UUID) -> set[UUID]:
        """The procuratorate and every agency on a referral about the case or leading to it."""
        case = self.load(AidCase, case_id)
        parties = {case.procuratorate_id}
        linked = self.referral_ids(case_id=case_id)
        if case.referral_id is not None:
            linked.append(case.referral_id)  # the inbound referral the case came from
        for i in linked:
            r = self.load(Referral, i)
            parties |= {r.requester_id, r.recipient_id}
        return parties

    def aid_part(self, person_id: UUID, agency_id: UUID) -> tuple[set[str], set[str]]:
        """The person's cases the agency handles and referrals it is party to (as strings)."""
        cases = {
            str(i)
            for i in self.case_ids(person_id=person_id)
            if self.load(AidCase, i).procuratorate_id == agency_id
        }
        referrals = {str(i) for i in self.referral_ids(person_id=person_id, agency_id=agency_id)}
        return cases, referrals

    def person_aid(
        self, person_id: UUID, part: tuple[set[str], set[str]] | None = None
    ) -> dict[str, Any]:
        """A person's combined aid: judicial relief plus every social assistance, with totals;
        with ``part`` (cases, referrals), only those."""
        self.load(Person, person_id)
        cases = [self.load(AidCase, i) for i in self.case_ids(person_id=person_id)]
        referrals = [self.get_referral(i) for i in self.referral_ids(person_id=person_id)]
        if part is not None:
            cases = [c for c in cases if str(c.id) in part[0]]
            referrals = [r for r in referrals if r["id"] in part[1]]
        social = _provisions(referrals)
        judicial_granted = sum(c.granted_fen for c in cases)
        judicial_disbursed = sum(c.disbursed_fen for c in cases)
        by_kind: dict[str, int] = {}
        by_provider: dict[str, int] = {}
        for p in social:
            if p["kind"] in COUNTED_ELSEWHERE:  # the case's own relief, counted as judicial
                continue
            by_kind[p["kind"]] = by_kind.get(p["kind"], 0) + (p["amount_fen"] or 0)
            by_provider[p["provider"]] = by_provider.get(p["provider"], 0) + (p["amount_fen"] or 0)
        return {
            "person_id": str(person_id),
            "judicial": [
                {
                    "case_id": str(c.id),
                    "granted_fen": c.granted_fen,
                    "disbursed_fen": c.disbursed_fen,
                }
                for c in cases
            ],
            "social": social,
            "totals": {
                "judicial_granted_fen": judicial_granted,
                "judicial_disbursed_fen": judicial_disbursed,
                **money_totals(judicial_disbursed, social),
                "social_by_kind_fen": by_kind,
                "social_by_provider_fen": by_provider,
            },
        }


def _provisions(referrals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What completed referrals provided, each with the referral and the providing agency."""
    given = []
    for r in referrals:
        outcome = r["outcome"]
        if r["status"] != ReferralStatus.COMPLETED or not outcome or not outcome["successful"]:
            continue
        for p in outcome["provisions"]:
            given.append({**p, "referral_id": r["id"], "agency_id": r["recipient_id"]})
    return given
