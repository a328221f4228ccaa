"""Person (当事人): the only aggregate that holds personal data.

Cases and referrals refer to a person by id and never copy personal data into their own
events. A person's id is derived from a keyed hash of the ID number (身份证号), so the same
ID number is always the same person; the key is the hub's secret, not part of the domain.

What each agency recorded is kept apart (``records``, by agency id): registering a known ID
number records the registering agency's own details and tells it nothing recorded by others.
ID numbers are checked (GB 11643); a known number registered under a name that none of the
records bears (同号异名) is refused, never silently matched (see docs/privacy.md).
The first registration's details are also the person's own attributes (``name`` …), which
only auditors read. Consents (:mod:`domain.consent`) are kept by id; each is withdrawn alone.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain import consent as terms
from domain.acting import behalf_note, moved_to_note
from domain.errors import IdentityMismatch, InvalidValue
from domain.values import MAX_SHORT_TEXT, check_id_number, check_length, require_text

DETAIL_FIELDS = ("name", "contact", "health", "family")
RECORD_FIELDS = ("id_number", *DETAIL_FIELDS)
NOBODY = ""  # the key of what was recorded with no agency (the command line)


def _details(details: dict[str, Any]) -> dict[str, str]:
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise InvalidValue(f"unknown person fields: {', '.join(sorted(unknown))}")
    return {k: check_length(str(v), k) for k, v in details.items() if v is not None}


#: the separators written between the parts of a name (阿依古丽·买买提), all read as one
NAME_SEPARATORS = str.maketrans(dict.fromkeys("·•‧⋅・.．-‐ ", ""))


def same_name(a: str, b: str) -> bool:
    """Whether two spellings are the same name: full- and half-width alike (NFKC), case,
    spaces and the separator between a name's parts ignored."""

    def folded(name: str) -> str:
        return "".join(
            unicodedata.normalize("NFKC", name).casefold().translate(NAME_SEPARATORS).split()
        )

    return folded(a) == folded(b)


def _key(agency_id: UUID | None) -> str:
    return NOBODY if agency_id is None else str(agency_id)


class Person(Aggregate):
    """A person (当事人), with what each agency recorded of them and their consents."""

    class Registered(Aggregate.Created):
        """First registered; ``id_key`` is the keyed hash of the ID number, not the number."""

        id_key: str
        id_number: str
        name: str
        contact: str | None
        health: str | None
        family: str | None
        registered_by: UUID | None

    class DetailsRecorded(Aggregate.Event):
        """Another agency's own record of the person (``agency_id`` None: the command line)."""

        agency_id: UUID | None
        id_number: str
        name: str
        contact: str | None
        health: str | None
        family: str | None

    class DetailsUpdated(Aggregate.Event):
        """The first registration's details changed (only the fields given)."""

        details: dict[str, str]

    class Erased(Aggregate.Event):
        """Erased (删除): the person's key is destroyed; the legal basis stays."""

        legal_basis: str
        erased_by: str

    class ConsentRecorded(Aggregate.Event):
        """A consent to disclosure (同意信息共享) for services (同意接受帮扶), scoped."""

        class_version = 3

        consent_id: UUID
        taken_by: UUID | None
        on_behalf_of: str | None
        recorded_on: date
        given_by: str
        to_agencies: list[str]
        to_kinds: list[str]
        all_agencies: bool
        services: list[str]
        all_services: bool
        aid_view: bool
        valid_from: date
        valid_until: date | None
        evidence: str
        details: dict[str, str]
        legacy: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """An unscoped consent to disclose and to be helped covered every agency and every
            service; without both it allowed nothing. It replaced any consent before it."""
            both = bool(state.pop("disclose") and state.pop("services"))
            version = state["originator_version"]
            state.update(
                consent_id=uuid5(
                    NAMESPACE_URL, f"urn:referral-hub:consent:{state['originator_id']}:{version}"
                ),
                taken_by=None,
                given_by="person",
                to_agencies=[],
                to_kinds=[],
                all_agencies=both,
                services=[],
                all_services=both,
                aid_view=False,
                valid_from=state["recorded_on"],
                valid_until=None,
                evidence="unrecorded",
                details={},
                legacy=True,
            )

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """The free-text ``recorded_by`` became the on-behalf-of note, as recorded."""
            moved_to_note(state, "recorded_by")

    class ConsentWithdrawn(Aggregate.Event):
        class_version = 3

        consent_ids: list[str] | None
        on_behalf_of: str | None
        reason: str
        withdrawn_on: date | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """An unscoped withdrawal withdrew every consent (there was only one)."""
            state.update(consent_ids=None, withdrawn_on=None)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """The free-text ``recorded_by`` became the on-behalf-of note, as recorded."""
            moved_to_note(state, "recorded_by")

    @staticmethod
    def id_for(id_key: str) -> UUID:
        """The person's id from the keyed hash of their ID number."""
        return uuid5(NAMESPACE_URL, f"urn:referral-hub:person:{id_key}")

    @staticmethod
    def create_id(id_key: str, **_: Any) -> UUID:
        return Person.id_for(id_key)

    @classmethod
    def register(
        cls,
        *,
        id_key: str,
        id_number: str,
        name: str,
        contact: str | None = None,
        health: str | None = None,
        family: str | None = None,
        registered_by: UUID | None = None,
    ) -> Person:
        return cls(
            id_key=id_key,
            id_number=check_id_number(id_number),
            name=require_text(name, "name", limit=MAX_SHORT_TEXT),
            contact=check_length(contact, "contact", limit=MAX_SHORT_TEXT),
            health=check_length(health, "health"),
            family=check_length(family, "family"),
            registered_by=registered_by,
        )

    @event(Registered)
    def __init__(
        self,
        id_key: str,
        id_number: str,
        name: str,
        contact: str | None,
        health: str | None,
        family: str | None,
        registered_by: UUID | None,
    ) -> None:
        self.registered_by = registered_by
        self.id_number = id_number
        self.name = name
        self.contact = contact
        self.health = health
        self.family = family
        self.records: dict[str, dict[str, str | None]] = {
            _key(registered_by): {f: getattr(self, f) for f in RECORD_FIELDS}
        }
        self.consents: dict[str, dict[str, Any]] = {}

    def record_details(
        self,
        *,
        agency_id: UUID | None,
        id_number: str,
        name: str,
        contact: str | None = None,
        health: str | None = None,
        family: str | None = None,
    ) -> None:
        """Another registration of the same ID number: the agency's own record of the person.

        The name must be one already recorded for the number (spelled alike, see
        :func:`same_name`): another name is a mismatch to resolve, not the same person.
        """
        self._refuse_if_erased()
        number = check_id_number(id_number)
        name = require_text(name, "name", limit=MAX_SHORT_TEXT)
        known = [r["name"] for r in self.records.values() if r.get("name")]
        if known and not any(same_name(name, k) for k in known if k is not None):
            raise IdentityMismatch(
                "this ID number is registered under another name; check the number and the "
                "name against the identity document"
            )
        self._details_recorded(
            agency_id=agency_id,
            id_number=number,
            name=name,
            contact=check_length(contact, "contact", limit=MAX_SHORT_TEXT),
            health=check_length(health, "health"),
            family=check_length(family, "family"),
        )

    @event(DetailsRecorded)
    def _details_recorded(
        self,
        agency_id: UUID | None,
        id_number: str,
        name: str,
        contact: str | None,
        health: str | None,
        family: str | None,
    ) -> None:
        self.records[_key(agency_id)] = {
            "id_number": id_number,
            "name": name,
            "contact": contact,
            "health": health,
            "family": family,
        }

    def update_details(self, **details: Any) -> None:
        """Changes the first registration's details (those its registering agency recorded)."""
        self._refuse_if_erased()
        self._update_details(_details(details))

    def _refuse_if_erased(self) -> None:
        if self.erased:
            raise InvalidValue("the person is erased; nothing is recorded for them any more")

    @event(DetailsUpdated)
    def _update_details(self, details: dict[str, str]) -> None:
        for key, value in details.items():
            setattr(self, key, value)
        self.records.setdefault(_key(self.registered_by), {}).update(details)

    def record_consent(
        self,
        *,
        consent_id: UUID,
        taken_by: UUID | None,
        recorded_on: date,
        scope: dict[str, Any],
        on_behalf_of: str | None = None,
    ) -> None:
        """Records a consent whose ``scope`` was checked by :func:`domain.consent.consent_terms`."""
        self._refuse_if_erased()
        if str(consent_id) in self.consents:
            raise InvalidValue("that consent is already recorded")
        self._record_consent(
            consent_id=consent_id,
            taken_by=taken_by,
            on_behalf_of=behalf_note(on_behalf_of),
            recorded_on=recorded_on,
            legacy=False,
            **scope,
        )

    @event(ConsentRecorded)
    def _record_consent(
        self,
        consent_id: UUID,
        taken_by: UUID | None,
        on_behalf_of: str | None,
        recorded_on: date,
        given_by: str,
        to_agencies: list[str],
        to_kinds: list[str],
        all_agencies: bool,
        services: list[str],
        all_services: bool,
        aid_view: bool,
        valid_from: date,
        valid_until: date | None,
        evidence: str,
        details: dict[str, str],
        legacy: bool,
    ) -> None:
        if legacy:  # an unscoped consent replaced the one before it
            for earlier in self.consents.values():
                earlier["withdrawn"] = True
        self.consents[str(consent_id)] = {
            "id": str(consent_id),
            "taken_by": None if taken_by is None else str(taken_by),
            "on_behalf_of": on_behalf_of,
            "recorded_on": recorded_on,
            "given_by": given_by,
            "to_agencies": list(to_agencies),
            "to_kinds": list(to_kinds),
            "all_agencies": all_agencies,
            "services": list(services),
            "all_services": all_services,
            "aid_view": aid_view,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "evidence": evidence,
            "withdrawn": False,
            "withdrawn_at_version": None,
            "legacy": legacy,
        }

    def withdraw_consent(
        self,
        *,
        consent_ids: list[UUID],
        reason: str,
        on: date,
        on_behalf_of: str | None = None,
    ) -> None:
        """Withdraws the given consents (each must be recorded and not yet withdrawn)."""
        for consent_id in consent_ids:
            found = self.consents.get(str(consent_id))
            if found is None or found["withdrawn"]:
                raise InvalidValue("there is no such consent to withdraw")
        if not consent_ids:
            raise InvalidValue("there is no consent to withdraw")
        self._withdraw_consent(
            consent_ids=[str(c) for c in consent_ids],
            on_behalf_of=behalf_note(on_behalf_of),
            reason=reason,
            withdrawn_on=on,
        )

    @event(ConsentWithdrawn)
    def _withdraw_consent(
        self,
        consent_ids: list[str] | None,
        on_behalf_of: str | None,
        reason: str,
        withdrawn_on: date | None,
    ) -> None:
        for consent_id, consent in self.consents.items():
            if consent["withdrawn"] or (consent_ids is not None and consent_id not in consent_ids):
                continue
            consent["withdrawn"] = True
            consent["withdrawn_at_version"] = self.version  # what had been disclosed till then

    def erase(self, legal_basis: str, erased_by: str) -> None:
        """Records the erasure (its key is destroyed outside the domain); not undone."""
        if self.erased:
            raise InvalidValue("the person is already erased")
        self._erased(require_text(legal_basis, "legal basis"), require_text(erased_by, "by"))

    @event(Erased)
    def _erased(self, legal_basis: str, erased_by: str) -> None:
        for field in RECORD_FIELDS:
            setattr(self, field, None)
        self.records = {agency: dict.fromkeys(RECORD_FIELDS) for agency in self.records}

    @property
    def erased(self) -> bool:
        return self.name is None

    def recorded_by(self, agency_id: UUID) -> bool:
        """The agency recorded details of the person itself (registered them)."""
        return str(agency_id) in self.records

    def consent_for(
        self, *, agency_id: UUID, kind: str, services: list[str], on: date
    ) -> dict[str, Any] | None:
        """The latest live consent allowing disclosure to the agency for all the services."""
        for consent in reversed(self.consents.values()):
            if terms.covers(consent, agency_id=agency_id, kind=kind, services=services, on=on):
                return consent
        return None

    def live_consents(self, on: date) -> list[dict[str, Any]]:
        return [c for c in self.consents.values() if terms.is_live(c, on)]

    @property
    def has_consent(self) -> bool:
        """Some consent is recorded and not withdrawn (whatever its scope and validity)."""
        return any(not c["withdrawn"] for c in self.consents.values())
