"""Person (当事人): the only aggregate that holds personal data.

Cases and referrals refer to a person by id and never copy personal data into their own
events. A person's id is derived from a keyed hash of the ID number (身份证号), so the same
ID number is always the same person; the key is the hub's secret, not part of the domain.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue
from domain.values import require_text

DETAIL_FIELDS = ("name", "contact", "health", "family")


def _details(details: dict[str, Any]) -> dict[str, str]:
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise InvalidValue(f"unknown person fields: {', '.join(sorted(unknown))}")
    return {k: str(v) for k, v in details.items() if v is not None}


class Person(Aggregate):
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
            id_number=require_text(id_number, "ID number"),
            name=require_text(name, "name"),
            contact=contact,
            health=health,
            family=family,
            registered_by=registered_by,
        )

    @event("Registered")
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
        self.consent: dict[str, Any] | None = None

    def update_details(self, **details: Any) -> None:
        self._refuse_if_erased()
        self._update_details(_details(details))

    def _refuse_if_erased(self) -> None:
        if self.erased:
            raise InvalidValue("the person is erased; nothing is recorded for them any more")

    @event("DetailsUpdated")
    def _update_details(self, details: dict[str, str]) -> None:
        for key, value in details.items():
            setattr(self, key, value)

    def record_consent(
        self, disclose: bool, services: bool, recorded_by: str, recorded_on: date
    ) -> None:
        """Consent to disclose (同意信息共享) and consent to be helped (同意接受帮扶)."""
        self._refuse_if_erased()
        self._record_consent(
            bool(disclose), bool(services), require_text(recorded_by, "recorded by"), recorded_on
        )

    @event("ConsentRecorded")
    def _record_consent(
        self, disclose: bool, services: bool, recorded_by: str, recorded_on: date
    ) -> None:
        self.consent = {"disclose": disclose, "services": services, "withdrawn": False}

    def withdraw_consent(self, recorded_by: str, reason: str) -> None:
        if not self.has_consent:
            raise InvalidValue("there is no consent to withdraw")
        self._withdraw_consent(require_text(recorded_by, "recorded by"), reason)

    @event("ConsentWithdrawn")
    def _withdraw_consent(self, recorded_by: str, reason: str) -> None:
        self.consent = {**(self.consent or {}), "withdrawn": True}

    def erase(self, legal_basis: str, erased_by: str) -> None:
        """Records the erasure (its key is destroyed outside the domain); not undone."""
        if self.erased:
            raise InvalidValue("the person is already erased")
        self._erased(require_text(legal_basis, "legal basis"), require_text(erased_by, "by"))

    @event("Erased")
    def _erased(self, legal_basis: str, erased_by: str) -> None:
        for field in ("id_number", "name", "contact", "health", "family"):
            setattr(self, field, None)

    @property
    def erased(self) -> bool:
        return self.name is None

    @property
    def has_consent(self) -> bool:
        """Consent to both disclosure and services, not withdrawn."""
        c = self.consent
        return bool(c and c["disclose"] and c["services"] and not c["withdrawn"])
