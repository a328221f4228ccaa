"""What of a person each kind of agency may see: declared here, in one place.

The procuratorate handling relief sees everything; a bureau sees what its relief needs; an
enterprise or association giving money, a job or counselling sees a name and a way to reach
the person, never health or family details. The API and the router both reduce a person
through :func:`person_view`.
"""

from __future__ import annotations

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


def person_view(person: dict[str, Any], kind: str | None) -> dict[str, Any]:
    """The person as an agency of ``kind`` may see them; ``None`` (auditor) sees everything."""
    fields = ALL if kind is None else PERSON_FIELDS_BY_KIND[AgencyKind(kind)]
    view = {"id": person["id"], **{f: person.get(f) for f in fields}}
    view["has_consent"] = person.get("has_consent")
    return view
