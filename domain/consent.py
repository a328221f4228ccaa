"""Consent (同意): who gave it, who took it, what disclosure it allows, how long, what proves it.

A consent is a plain record kept by the person (:class:`domain.person.Person`). It allows
disclosure of the person to the agencies it names (by id) and to agencies of the kinds it
names, for the services it names, from ``valid_from`` until ``valid_until`` (inclusive; none
is open-ended), until it is withdrawn. It is given by the person, or a guardian (监护人) or a
close relative (近亲属) who says their relation; it is taken by an agency (the one whose
official recorded it) on written evidence, or orally before a witness. A consent may also name
its agencies for the person's combined aid (``aid_view``).

Consents recorded before consents were scoped (``legacy``) allowed disclosure to every agency
for every service, and each replaced the one before; they read so here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from domain.errors import InvalidValue
from domain.values import (
    AgencyKind,
    Service,
    check_date,
    check_items,
    parse,
    require_text,
)

GIVERS = ("person", "guardian", "close-relative")
EVIDENCE = ("written", "oral")


def consent_terms(
    *,
    given_by: str,
    giver_name: str | None,
    relation: str | None,
    to_agencies: Iterable[UUID],
    to_kinds: Iterable[str],
    services: Iterable[str],
    aid_view: bool,
    valid_from: date,
    valid_until: date | None,
    evidence: str,
    witness: str | None,
) -> dict[str, Any]:
    """Checks a consent's terms; returns them as the fields of ``Person.ConsentRecorded``."""
    if given_by not in GIVERS:
        raise InvalidValue(f"consent is given by one of: {', '.join(GIVERS)}")
    details: dict[str, str] = {}
    if given_by != "person":
        details["giver_name"] = require_text(giver_name, "name of who gives consent")
        details["relation"] = require_text(relation, "relation to the person")
    if evidence not in EVIDENCE:
        raise InvalidValue(f"consent evidence is one of: {', '.join(EVIDENCE)}")
    if evidence == "oral":
        details["witness"] = require_text(witness, "witness of an oral consent")
    agencies = sorted({str(UUID(str(a))) for a in check_items(list(to_agencies), "agencies")})
    kinds = sorted(
        {parse(AgencyKind, k, "agency kind").value for k in check_items(list(to_kinds), "kinds")}
    )
    if not agencies and not kinds:
        raise InvalidValue("a consent names the agencies or agency kinds it allows disclosure to")
    wanted = sorted(
        {parse(Service, s, "service").value for s in check_items(list(services), "services")}
    )
    if not wanted:
        raise InvalidValue("a consent names the services it is for")
    check_date(valid_from, "consent valid from")
    if valid_until is not None and check_date(valid_until, "consent valid until") < valid_from:
        raise InvalidValue("a consent cannot end before it starts")
    return {
        "given_by": given_by,
        "to_agencies": agencies,
        "to_kinds": kinds,
        "all_agencies": False,
        "services": wanted,
        "all_services": False,
        "aid_view": bool(aid_view),
        "valid_from": valid_from,
        "valid_until": valid_until,
        "evidence": evidence,
        "details": details,
    }


def is_live(consent: dict[str, Any], on: date) -> bool:
    """Not withdrawn, and ``on`` within its validity."""
    until = consent["valid_until"]
    return (
        not consent["withdrawn"] and consent["valid_from"] <= on and (until is None or on <= until)
    )


def names(consent: dict[str, Any], agency_id: UUID, kind: str) -> bool:
    """The consent allows disclosure to this agency (by its id or its kind)."""
    return (
        consent["all_agencies"]
        or str(agency_id) in consent["to_agencies"]
        or str(kind) in consent["to_kinds"]
    )


def covers(
    consent: dict[str, Any], *, agency_id: UUID, kind: str, services: Iterable[str], on: date
) -> bool:
    """A live consent allowing disclosure to the agency for every one of the services."""
    return (
        is_live(consent, on)
        and names(consent, agency_id, kind)
        and (consent["all_services"] or set(services) <= set(consent["services"]))
    )
