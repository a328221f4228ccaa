"""Agencies, linkage mechanisms and tokens: the network's directory and its administration."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from hub.access.tokens import AuditorIsAUser, Role
from hub.api.deps import AccessDep, Admin, HubDep, OnceDep, Reader
from hub.api.problems import Problem
from hub.api.schemas import (
    AgencyCreate,
    AgencyPublic,
    Created,
    Done,
    MechanismCreate,
    MechanismJoin,
    MechanismLeave,
    MechanismPublic,
    TokenCreate,
    TokenIssued,
)

router = APIRouter(tags=["agencies and mechanisms"])


@router.post("/agencies", status_code=201, response_model=Created)
def register_agency(body: AgencyCreate, hub: HubDep, _: Admin, once: OnceDep) -> Any:
    return once(
        lambda: {
            "id": hub.register_agency(
                body.name,
                body.kind.value,
                body.level.value,
                body.region_code,
                [s.value for s in body.services],
                body.response_days,
                body.parent_id,
            )
        },
        201,
    )


@router.get("/agencies", response_model=list[AgencyPublic], response_model_exclude_unset=True)
def list_agencies(hub: HubDep, _: Reader) -> list[dict[str, Any]]:
    """The directory of agencies: names, kinds, regions and services (no personal data)."""
    return hub.list_agencies()


@router.get("/agencies/{agency_id}", response_model=AgencyPublic, response_model_exclude_unset=True)
def get_agency(agency_id: UUID, hub: HubDep, _: Reader) -> dict[str, Any]:
    return hub.get_agency(agency_id)


@router.post("/tokens", status_code=201, response_model=TokenIssued)
def issue_token(body: TokenCreate, hub: HubDep, access: AccessDep, _: Admin) -> Any:
    """Issues a token; it is shown only in this answer and stored only hashed. Auditors are
    officials who sign in (``POST /users``), so an auditor token is refused
    (``/problems/auditor-is-a-user``); an admin token with no agency is the break-glass one."""
    role = Role(body.role)
    if body.agency_id is not None:
        hub.get_agency(body.agency_id)
    try:
        token = access.issue(role, body.agency_id, body.label)
    except AuditorIsAUser as e:
        raise Problem(422, "auditor-is-a-user", "Auditors sign in as officials", str(e)) from None
    except ValueError as e:
        raise Problem(422, "validation", "Invalid request", str(e)) from None
    return {"token": token, "role": role.value, "agency_id": body.agency_id}


@router.post("/mechanisms", status_code=201, response_model=Created)
def sign_mechanism(body: MechanismCreate, hub: HubDep, _: Admin, once: OnceDep) -> Any:
    return once(
        lambda: {
            "id": hub.sign_mechanism(
                body.name,
                body.region_code,
                body.lead_agency_id,
                body.signed_on,
                {m.agency_id: m.responsibility for m in body.members},
            )
        },
        201,
    )


@router.get(
    "/mechanisms/{mechanism_id}", response_model=MechanismPublic, response_model_exclude_unset=True
)
def get_mechanism(mechanism_id: UUID, hub: HubDep, _: Reader) -> dict[str, Any]:
    return hub.get_mechanism(mechanism_id)


@router.post("/mechanisms/{mechanism_id}/members", response_model=Done)
def join_mechanism(
    mechanism_id: UUID, body: MechanismJoin, hub: HubDep, _: Admin, once: OnceDep
) -> Any:
    def command() -> dict[str, Any]:
        hub.join_mechanism(mechanism_id, body.agency_id, body.responsibility, body.joined_on)
        return {"id": mechanism_id, "version": hub.get_mechanism(mechanism_id)["version"]}

    return once(command)


@router.post("/mechanisms/{mechanism_id}/members/{agency_id}/leave", response_model=Done)
def leave_mechanism(
    mechanism_id: UUID,
    agency_id: UUID,
    body: MechanismLeave,
    hub: HubDep,
    _: Admin,
    once: OnceDep,
) -> Any:
    def command() -> dict[str, Any]:
        hub.leave_mechanism(mechanism_id, agency_id, body.left_on, body.reason)
        return {"id": mechanism_id, "version": hub.get_mechanism(mechanism_id)["version"]}

    return once(command)
