"""Persons (当事人): registration, consent, and reading them as far as the reader's part needs."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote
from uuid import UUID

from fastapi import APIRouter, Header

from hub.api.deps import HubDep, OnceDep, Reader, Staff, agency_of, may_read
from hub.api.schemas import ConsentCreate, ConsentWithdraw, Created, Done, PersonCreate
from hub.privacy import person_view

router = APIRouter(tags=["persons"])


@router.post("/persons", status_code=201, response_model=Created)
def register_person(body: PersonCreate, hub: HubDep, staff: Staff, once: OnceDep) -> Any:
    """Registers a person; the same ID number always gives the same person."""
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


@router.get("/persons/{person_id}")
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
    may_read(reader, hub.person_parties(person_id))
    if hub.is_erased(person_id):
        return {"id": str(person_id), "erased": True}
    kind = hub.get_agency(reader.agency_id)["kind"] if reader.agency_id else None
    view = person_view(hub.get_person(person_id), kind)
    hub.record_personal_read(
        person_id, reader.label, reader.role.value, reader.agency_id, unquote(purpose), "api"
    )
    return view


@router.get("/persons/{person_id}/aid")
def person_aid(person_id: UUID, hub: HubDep, reader: Reader) -> dict[str, Any]:
    """Combined aid: judicial relief plus every social assistance, with totals."""
    may_read(reader, hub.person_parties(person_id))
    return hub.person_aid(person_id)


@router.post("/persons/{person_id}/consent", response_model=Done)
def record_consent(
    person_id: UUID, body: ConsentCreate, hub: HubDep, staff: Staff, once: OnceDep
) -> Any:
    def command() -> dict[str, Any]:
        may_read(staff, hub.person_parties(person_id))
        hub.record_consent(
            person_id,
            body.disclose,
            body.services,
            body.recorded_by,
            body.recorded_on or hub.today(),
        )
        return {"id": person_id, "version": hub.get_person(person_id)["version"]}

    return once(command)


@router.post("/persons/{person_id}/consent/withdraw", response_model=Done)
def withdraw_consent(
    person_id: UUID, body: ConsentWithdraw, hub: HubDep, staff: Staff, once: OnceDep
) -> Any:
    def command() -> dict[str, Any]:
        may_read(staff, hub.person_parties(person_id))
        hub.withdraw_consent(person_id, body.recorded_by, body.reason)
        return {"id": person_id, "version": hub.get_person(person_id)["version"]}

    return once(command)
