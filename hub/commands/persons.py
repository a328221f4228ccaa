"""Persons (当事人): registration, consent, and what each agency may read of them.

The rules are :mod:`hub.privacy`'s; this module gathers the facts they decide on from the log
(who recorded what, which referrals and cases name the person, which consents are live) and
follows disclosure along referrals: a recipient reads what its requester could read, reduced
to its own kind's fields, as it stood when the consent the referral relied on was withdrawn.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from domain import consent as terms
from domain.agency import Agency
from domain.errors import InvalidValue, NotFound
from domain.person import RECORD_FIELDS, Person
from domain.referral import Referral
from domain.values import AgencyKind, Service, check_id_number
from hub import privacy
from hub.commands.base import HubBase, plain
from hub.commands.links import LinkIndex


class PersonCommands(HubBase):
    person_key: bytes
    links: LinkIndex

    def id_key(self, id_number: str) -> str:
        """Keyed hash of a normalised ID number: the person's stable, non-reversible key."""
        normalised = id_number.strip().upper()
        if not normalised:
            raise InvalidValue("ID number must not be empty")
        return hmac.new(self.person_key, normalised.encode(), hashlib.sha256).hexdigest()

    def register_person(
        self,
        id_number: str,
        name: str,
        contact: str | None = None,
        health: str | None = None,
        family: str | None = None,
        registered_by: UUID | None = None,
    ) -> UUID:
        """Registers a person; a known ID number records the agency's own details instead.

        Either way the answer is the person's id and an event is appended, so the caller
        cannot tell whether anyone knew the person before (an erased person records nothing).
        A known number under another name is refused (:class:`IdentityMismatch`): that answer
        does tell that the number is known, a trade-off set out in docs/privacy.md.
        """
        id_number = check_id_number(id_number)
        key = self.id_key(id_number)
        person_id = Person.id_for(key)
        if not self.exists(person_id):
            person = Person.register(
                id_key=key,
                id_number=id_number,
                name=name,
                contact=contact,
                health=health,
                family=family,
                registered_by=registered_by,
            )
            self.save(person)
            return person.id
        person = self.load(Person, person_id)
        if not person.erased:
            person.record_details(
                agency_id=registered_by,
                id_number=id_number,
                name=name,
                contact=contact,
                health=health,
                family=family,
            )
            self.save(person)
        return person_id

    def update_person(self, person_id: UUID, **details: Any) -> None:
        person = self.load(Person, person_id)
        person.update_details(**details)
        self.save(person)

    def record_consent(
        self,
        person_id: UUID,
        *,
        taken_by: UUID | None,
        on: date,
        scope: dict[str, Any],
        on_behalf_of: str | None = None,
    ) -> UUID:
        """Records a consent (its ``scope`` from :func:`domain.consent.consent_terms`)."""
        person = self.load(Person, person_id)
        for agency_id in scope["to_agencies"]:
            self.load(Agency, agency_id)
        consent_id = uuid4()
        person.record_consent(
            consent_id=consent_id,
            taken_by=taken_by,
            on_behalf_of=on_behalf_of,
            recorded_on=on,
            scope=scope,
        )
        self.save(person)
        return consent_id

    def consent_to_all(self, person_id: UUID, on: date) -> UUID:
        """A written consent to every agency kind for every service (tests, benchmarks)."""
        scope = terms.consent_terms(
            given_by="person",
            giver_name=None,
            relation=None,
            to_agencies=[],
            to_kinds=[k.value for k in AgencyKind],
            services=[s.value for s in Service],
            aid_view=False,
            valid_from=on,
            valid_until=None,
            evidence="written",
            witness=None,
        )
        person = self.load(Person, person_id)
        return self.record_consent(person_id, taken_by=person.registered_by, on=on, scope=scope)

    def withdraw_consent(
        self,
        person_id: UUID,
        *,
        by_agency: UUID | None,
        reason: str,
        consent_id: UUID | None = None,
        on_behalf_of: str | None = None,
    ) -> list[str]:
        """Withdraws one consent, or every live one the agency sees; returns their ids."""
        person = self.load(Person, person_id)
        visible = {c["id"] for c in self.visible_consents(person, by_agency) if not c["withdrawn"]}
        if consent_id is not None:
            if str(consent_id) not in visible:
                raise InvalidValue("there is no such consent to withdraw")
            chosen = [str(consent_id)]
        else:
            chosen = sorted(visible)
        person.withdraw_consent(
            consent_ids=[UUID(c) for c in chosen],
            on_behalf_of=on_behalf_of,
            reason=reason,
            on=self.today(),
        )
        self.save(person)
        return chosen

    def is_erased(self, person_id: UUID) -> bool:
        """Erased, or unreadable as if erased: her ID number, sealed in her registration, reads
        empty only when her data key was destroyed or is missing from the key store."""
        person = self.load(Person, person_id)
        return person.erased or person.id_number is None

    def get_person(self, person_id: UUID) -> dict[str, Any]:
        """All of a person: what auditors read (agencies read :meth:`person_for`)."""
        p = self.load(Person, person_id)
        return plain(
            {
                "id": p.id,
                **{f: getattr(p, f) for f in RECORD_FIELDS},
                "records": p.records,
                "consents": list(p.consents.values()),
                "has_consent": bool(p.live_consents(self.today())),
                "registered_by": p.registered_by,
                "version": p.version,
            }
        )

    # What an agency may do with a person

    def _kind(self, agency_id: UUID) -> str:
        return str(self.read(Agency, agency_id).kind)

    def _taker(self, person: Person, consent: dict[str, Any]) -> str | None:
        """Who took a consent; one recorded before consents were scoped, the registrant."""
        if consent["taken_by"] is None and consent["legacy"] and person.registered_by:
            return str(person.registered_by)
        return consent["taken_by"]

    def visible_consents(self, person: Person, agency_id: UUID | None) -> list[dict[str, Any]]:
        """The consents an agency took or that name it; every one for ``None`` (auditors)."""
        if agency_id is None:
            return list(person.consents.values())
        kind = self._kind(agency_id)
        return [
            c
            for c in person.consents.values()
            if self._taker(person, c) == str(agency_id) or terms.names(c, agency_id, kind)
        ]

    def consents_of(self, person_id: UUID, agency_id: UUID | None) -> list[dict[str, Any]]:
        """The consents an agency sees (:meth:`visible_consents`), plain."""
        person = self.load(Person, person_id)
        today = self.today()
        return [
            plain({**c, "live": terms.is_live(c, today)})
            for c in self.visible_consents(person, agency_id)
        ]

    def person_facts(self, person_id: UUID, agency_id: UUID) -> privacy.PersonFacts:
        """The facts :mod:`hub.privacy` decides on, for one agency and one person."""
        person = self.read(Person, person_id)
        links = self.links.refresh(self)  # parties never change: no referral or case loaded
        recipient = agency_id in links.recipients_by_person.get(person.id, ())
        requester = agency_id in links.requesters_by_person.get(person.id, ())
        handles_case = agency_id in links.procuratorates_by_person.get(person.id, ())
        live = person.live_consents(self.today())
        kind = self._kind(agency_id)
        return privacy.PersonFacts(
            recorded=person.recorded_by(agency_id),
            recipient=recipient,
            requester=requester,
            handles_case=handles_case,
            took_consent=any(self._taker(person, c) == str(agency_id) for c in live),
            named_for_aid=any(c["aid_view"] and terms.names(c, agency_id, kind) for c in live),
        )

    def find_person(self, id_number: str, agency_id: UUID | None) -> UUID:
        """The person with this ID number, for an agency that may read her (``None``: auditors,
        administrators). Unknown and unreadable answer alike: the same :class:`NotFound`,
        so a look-up tells nothing an agency could not read (no oracle)."""
        person_id = Person.id_for(self.id_key(check_id_number(id_number)))
        try:
            self.require_person_party(person_id, agency_id)
        except NotFound:
            raise NotFound("no person with that ID number that you may read") from None
        return person_id

    def require_person_party(self, person_id: UUID, agency_id: UUID | None) -> None:
        """An agency that is no party gets exactly what an unknown person gives."""
        self.load(Person, person_id)
        if agency_id is not None and not privacy.is_party(self.person_facts(person_id, agency_id)):
            raise NotFound(f"Person {person_id} not found")

    def consent_for_referral(
        self,
        person_id: UUID,
        *,
        requester_id: UUID,
        recipient_id: UUID,
        services: list[str],
        on: date,
    ) -> dict[str, Any] | None:
        """The consent a new referral relies on (``None``: none serves); a requester that may
        not refer the person gets the answer an unknown person gets."""
        person = self.read(Person, person_id)
        facts = self.person_facts(person_id, requester_id)
        if not privacy.may_refer(facts):
            raise NotFound(f"Person {person_id} not found")
        any_consent = privacy.any_consent_serves(facts)
        kind = self._kind(recipient_id)
        for consent in reversed(person.consents.values()):
            if not any_consent and self._taker(person, consent) != str(requester_id):
                continue
            if terms.covers(consent, agency_id=recipient_id, kind=kind, services=services, on=on):
                return consent
        return None

    def relied_on(self, person: Person, referral: Referral) -> dict[str, Any] | None:
        """The consent a referral relied on (``None``: a legal basis)."""
        if not referral.consent:
            return None
        if referral.consent_id is not None:
            return person.consents.get(str(referral.consent_id))
        legacy = [c for c in person.consents.values() if c["legacy"]]
        return legacy[-1] if legacy else None

    def basis_lost(self, person: Person, referral: Referral) -> bool:
        """The consent the referral relied on is withdrawn or expired."""
        consent = self.relied_on(person, referral)
        return consent is not None and not terms.is_live(consent, self.today())

    def readable(self, person_id: UUID, agency_id: UUID) -> dict[str, Any]:
        """What the agency may read of the person: its own record and what was disclosed."""
        return self._readable(self.load(Person, person_id), agency_id, frozenset())

    def _readable(
        self, person: Person, agency_id: UUID, followed: frozenset[UUID]
    ) -> dict[str, Any]:
        found: dict[str, Any] = dict(person.records.get(str(agency_id)) or {})
        for referral_id in self.links.refresh(self).referrals_by.get(person.id, ()):
            r = self.load(Referral, referral_id)
            if r.recipient_id != agency_id or referral_id in followed:
                continue
            source = person
            consent = self.relied_on(person, r)
            if consent is not None and consent["withdrawn_at_version"] is not None:
                source = self.repository.get(person.id, version=consent["withdrawn_at_version"])
            upstream = self._readable(source, r.requester_id, followed | {referral_id})
            for field, value in privacy.disclosed(upstream, self._kind(agency_id)).items():
                if found.get(field) is None:
                    found[field] = value
        return found

    def person_for(self, person_id: UUID, agency_id: UUID) -> dict[str, Any]:
        """The person as the agency may read them (call :meth:`require_person_party` first)."""
        person = self.load(Person, person_id)
        today = self.today()
        visible = self.visible_consents(person, agency_id)
        return plain(
            {
                "id": person.id,
                **self.readable(person_id, agency_id),
                "has_consent": any(terms.is_live(c, today) for c in visible),
            }
        )
