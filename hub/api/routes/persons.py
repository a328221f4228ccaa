"""Persons (当事人): registration, consent, and reading them as far as the reader's part needs.

Every rule of who may read what is :mod:`hub.privacy`'s: an agency reads what it recorded
itself and what referrals addressed to it disclosed; any other agency gets exactly the answer
an unknown person gets.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote
from uuid import UUID

from fastapi import APIRouter, Header

from domain.consent import consent_terms
from hub.access.principal import Principal
from hub.api.deps import (
    HubDep,
    OnceDep,
    Reader,
    Staff,
    agency_of,
    aid_part,
    reading_agency,
    require_party,
)
from hub.api.schemas import (
    AidPublic,
    ConsentCreate,
    ConsentPublic,
    ConsentRecorded,
    ConsentWithdraw,
    Created,
    PersonChanged,
    PersonCreate,
    PersonFind,
    PersonPublic,
)
from hub.app import ReliefHub
from hub.privacy import person_view

router = APIRouter(tags=["persons"])


@router.post("/persons", status_code=201, response_model=Created)
def register_person(body: PersonCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    """Registers a person, or records the caller's own details of a person already known:
    the same ID number always gives the same id, and the answer never says which it was."""
    return once(
        lambda: {
            "id": hub.register_person(
                body.id_number,
                body.name,
                body.contact,
                body.health,
                body.family,
                registered_by=agency_of(staff),
            )
        },
        201,
    )


@router.get("/persons/{person_id}", response_model=PersonPublic, response_model_exclude_unset=True)
def get_person(
    person_id: UUID,
    hub: HubDep,
    reader: Reader,
    purpose: Annotated[
        str,
        Header(
            alias="X-Purpose",
            max_length=600,
            description="why; recorded (percent-encode non-ASCII text, e.g. Chinese)",
        ),
    ] = "casework",
) -> dict[str, Any]:
    """The person as far as the reader's part needs; every read is recorded (access log)."""
    return read_person(hub, person_id, reader, unquote(purpose), "api")


def read_person(
    hub: ReliefHub, person_id: UUID, reader: Principal, purpose: str, channel: str
) -> dict[str, Any]:
    """The person as far as ``reader``'s part needs (404 for a non-party), the read recorded
    (the console's lookup reads her through this too, with its own channel)."""
    require_party(hub, person_id, reader)
    if hub.is_erased(person_id):
        return {"id": str(person_id), "erased": True}
    agency = reading_agency(reader)
    if agency is None:
        view = person_view(hub.get_person(person_id), None)
    else:
        view = hub.person_for(person_id, agency)
    hub.record_personal_read(
        person_id, reader.label, reader.role.value, reader.agency_id, purpose, channel
    )
    return view


@router.post("/lookups/persons", response_model=PersonPublic, response_model_exclude_unset=True)
def find_person(
    body: PersonFind,
    hub: HubDep,
    reader: Reader,
    purpose: Annotated[
        str,
        Header(
            alias="X-Purpose",
            max_length=600,
            description="why; recorded (percent-encode non-ASCII text, e.g. Chinese)",
        ),
    ] = "casework",
) -> dict[str, Any]:
    """Looks a person up by ID number, for those who may read her: the same answer as
    ``GET /persons/{id}``; an agency that may not read her gets what an unknown number gets
    (404). A query, not a change: no ``Idempotency-Key``; the read is recorded."""
    person_id = hub.find_person(body.id_number, reading_agency(reader))
    return get_person(person_id, hub, reader, purpose)


@router.get("/persons/{person_id}/aid", response_model=AidPublic, response_model_exclude_unset=True)
def person_aid(person_id: UUID, hub: HubDep, reader: Reader) -> dict[str, Any]:
    """Combined aid: judicial relief plus every social assistance, with totals. All of it for
    the procuratorate handling her case, auditors, and agencies her consent names for it;
    another party reads only its own cases and referrals."""
    return hub.person_aid(person_id, aid_part(hub, person_id, reader))


@router.get(
    "/persons/{person_id}/consents",
    response_model=list[ConsentPublic],
    response_model_exclude_unset=True,
)
def consents(person_id: UUID, hub: HubDep, reader: Reader) -> list[dict[str, Any]]:
    """The consents the caller's agency took or that name it (auditors: every one)."""
    require_party(hub, person_id, reader)
    return hub.consents_of(person_id, reading_agency(reader))


@router.post("/persons/{person_id}/consent", response_model=ConsentRecorded)
def record_consent(
    person_id: UUID, body: ConsentCreate, hub: HubDep, staff: Staff, once: OnceDep
) -> Any:
    """Records a consent taken by the caller's agency (never the body's say)."""

    def command() -> dict[str, Any]:
        hub.require_person_party(person_id, agency_of(staff))
        scope = consent_terms(
            given_by=body.given_by,
            giver_name=body.giver_name,
            relation=body.relation,
            to_agencies=body.to_agencies,
            to_kinds=[k.value for k in body.to_kinds],
            services=[s.value for s in body.services],
            aid_view=body.aid_view,
            valid_from=body.valid_from or hub.today(),
            valid_until=body.valid_until,
            evidence=body.evidence,
            witness=body.witness,
        )
        consent_id = hub.record_consent(
            person_id,
            taken_by=agency_of(staff),
            on=hub.today(),
            scope=scope,
            on_behalf_of=body.on_behalf_of,
        )
        return {"id": person_id, "consent_id": consent_id}

    return once(command)


@router.post("/persons/{person_id}/consent/withdraw", response_model=PersonChanged)
def withdraw_consent(
    person_id: UUID, body: ConsentWithdraw, hub: HubDep, staff: Staff, once: OnceDep
) -> Any:
    """Withdraws a consent (or every live one the caller's agency took or is named by)."""

    def command() -> dict[str, Any]:
        hub.require_person_party(person_id, agency_of(staff))
        hub.withdraw_consent(
            person_id,
            by_agency=agency_of(staff),
            reason=body.reason,
            consent_id=body.consent_id,
            on_behalf_of=body.on_behalf_of,
        )
        return {"id": person_id}

    return once(command)
