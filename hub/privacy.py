"""Who may read, refer and see the aid of a person, and which fields: declared here, in one place.

What an agency may read of a person is what it recorded itself, plus what was disclosed to it
by each referral about the person addressed to it: the fields its requester could read,
reduced to what the recipient's kind needs (:data:`PERSON_FIELDS_BY_KIND`). The procuratorate
handling relief sees everything; a bureau sees what its relief needs; an association giving a
job or counselling sees a name and a way to reach the person, an enterprise only the name,
neither of them health or family details. Knowing an ID number opens nothing: registering a known one
records the agency's own details and shows it only those.

The hub gathers the facts (:class:`PersonFacts`) from the log (``hub/commands/persons.py``);
the rules below decide. The person commands and the API's person and views routes ask these
rules, and nothing else; the router needs none, as agency feeds carry no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.values import AgencyKind

K = AgencyKind

ALL = ("name", "id_number", "contact", "health", "family")
IDENTITY = ("name", "id_number", "contact")

PERSON_FIELDS_BY_KIND: dict[AgencyKind, tuple[str, ...]] = {
    K.PROCURATORATE: ALL,
    K.POLITICAL_LEGAL_COMMITTEE: ("name",),
    K.CIVIL_AFFAIRS: (*IDENTITY, "family"),
    K.MEDICAL_INSURANCE: (*IDENTITY, "health"),
    K.DISABLED_PERSONS_FEDERATION: (*IDENTITY, "health"),
    K.EDUCATION: (*IDENTITY, "family"),
    K.JUSTICE_BUREAU: IDENTITY,
    K.RURAL_REVITALISATION: (*IDENTITY, "family"),
    K.COMMERCE_BUREAU: ("name", "contact"),
    K.YOUTH_LEAGUE: ("name", "contact", "family"),
    K.VOLUNTEER_ASSOCIATION: ("name", "contact"),
    K.INDUSTRY_ASSOCIATION: ("name", "contact"),
    K.ENTERPRISE: ("name",),
    K.OTHER: ("name",),
}


@dataclass(frozen=True)
class PersonFacts:
    """What the log says about one agency and one person."""

    recorded: bool = False  # the agency registered the person itself (its own record)
    recipient: bool = False  # a referral about the person was addressed to it
    requester: bool = False  # it requested a referral about the person
    handles_case: bool = False  # it is the procuratorate of one of the person's cases
    took_consent: bool = False  # a live consent of the person was taken by it
    named_for_aid: bool = False  # a live consent names it for the combined aid


class AidScope(StrEnum):
    ALL = "all"  # every case and every referral
    OWN = "own"  # only the cases it handles and the referrals it is party to


def is_party(facts: PersonFacts) -> bool:
    """May read the person at all (else: the same 404 as an unknown person)."""
    return facts.recorded or facts.recipient or facts.requester or facts.handles_case


def may_refer(facts: PersonFacts) -> bool:
    """The procuratorate handling her case, an agency that received a referral about her
    (onward or re-referral), or one that registered her itself (then only under a consent it
    took: :func:`any_consent_serves`). Anyone else: the same 404 as an unknown person."""
    return facts.handles_case or facts.recipient or facts.recorded


def any_consent_serves(facts: PersonFacts) -> bool:
    """A referral may rely on any live consent naming its recipient when the requester
    handles her case or received a referral about her; an agency that only registered her
    relies only on consents it took itself, so consent taken by one agency opens her to no
    agency that merely knows her ID number."""
    return facts.handles_case or facts.recipient


def aid_scope(facts: PersonFacts) -> AidScope | None:
    """The combined aid: all of it for the procuratorate handling her case and for agencies
    her consent names for it; a party sees only its own part; anyone else nothing."""
    if facts.handles_case or facts.named_for_aid:
        return AidScope.ALL
    return AidScope.OWN if is_party(facts) else None


def fields_for(kind: str) -> tuple[str, ...]:
    return PERSON_FIELDS_BY_KIND[AgencyKind(kind)]


def disclosed(readable: dict[str, Any], recipient_kind: str) -> dict[str, Any]:
    """What a referral discloses: the requester's readable fields its recipient's kind needs."""
    return {f: readable.get(f) for f in fields_for(recipient_kind)}


def person_view(person: dict[str, Any], kind: str | None) -> dict[str, Any]:
    """A person's fields as an agency of ``kind`` may see them; ``None`` (auditor) sees all."""
    fields = ALL if kind is None else fields_for(kind)
    view = {"id": person["id"], **{f: person.get(f) for f in fields}}
    view["has_consent"] = person.get("has_consent")
    return view
