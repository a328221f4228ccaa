"""Officials and machine tokens, administered: add, give roles, disable, set passwords;
issue, list, rotate and revoke connector tokens. Administrators only (auditors may list)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pyotp
from fastapi import APIRouter

from hub.access.tokens import AuditorIsAUser, Role
from hub.api.deps import AccessDep, Admin, Auditor, HubDep, IdentityDep, OnceDep
from hub.api.problems import Problem
from hub.api.schemas import Created, Done
from hub.api.schemas.identity import (
    ConnectorTokenCreate,
    MachineToken,
    TokenPublic,
    TokenRotate,
    TotpEnrolled,
    UserCreate,
    UserDisable,
    UserPassword,
    UserPublic,
    UserRoles,
)

router = APIRouter(tags=["officials and tokens"])

DAY = 86400.0


@router.post("/users", status_code=201, response_model=Created)
def add_user(body: UserCreate, hub: HubDep, identity: IdentityDep, _: Admin, once: OnceDep) -> Any:
    """Adds an official to an agency (with a first password, if given)."""

    def command() -> dict[str, Any]:
        user_id = hub.add_user(
            agency_id=body.agency_id,
            name=body.name,
            staff_number=body.staff_number,
            roles=[r.value for r in body.roles],
            external_id=body.external_id,
        )
        if body.password is not None:
            identity.passwords.set_password(user_id, body.password)
        return {"id": user_id}

    return once(command, 201)


@router.get("/users", response_model=list[UserPublic])
def list_users(hub: HubDep, _: Auditor, agency_id: UUID | None = None) -> Any:
    return hub.list_users(agency_id)


@router.get("/users/{user_id}", response_model=UserPublic)
def get_user(user_id: UUID, hub: HubDep, _: Auditor) -> Any:
    return hub.get_user(user_id)


@router.post("/users/{user_id}/roles", response_model=Done)
def change_roles(
    user_id: UUID, body: UserRoles, hub: HubDep, identity: IdentityDep, _: Admin, once: OnceDep
) -> Any:
    def command() -> dict[str, Any]:
        hub.change_user_roles(user_id, [r.value for r in body.roles])
        identity.roles_changed()
        return {"id": user_id, "version": hub.get_user(user_id)["version"]}

    return once(command)


@router.post("/users/{user_id}/disable", response_model=Done)
def disable_user(
    user_id: UUID, body: UserDisable, hub: HubDep, identity: IdentityDep, _: Admin, once: OnceDep
) -> Any:
    """Disables an official for good (never deleted); their sessions end at once."""

    def command() -> dict[str, Any]:
        hub.disable_user(user_id, body.reason)
        identity.user_disabled(user_id)
        return {"id": user_id, "version": hub.get_user(user_id)["version"]}

    return once(command)


@router.post("/users/{user_id}/password", status_code=204)
def set_password(
    user_id: UUID, body: UserPassword, hub: HubDep, identity: IdentityDep, _: Admin
) -> None:
    hub.get_user(user_id)
    identity.passwords.set_password(user_id, body.password)


@router.post("/users/{user_id}/totp", response_model=TotpEnrolled)
def enroll_totp(user_id: UUID, hub: HubDep, identity: IdentityDep, _: Admin) -> Any:
    """Enrols a second factor; the secret is shown only in this answer."""
    user = hub.get_user(user_id)
    if not identity.passwords.has_password(user_id):
        raise Problem(409, "password-required", "Password required", "set a password first")
    secret = identity.passwords.enroll_totp(user_id)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user["staff_number"], issuer_name="referral-hub")
    return {"secret": secret, "uri": uri}


# Machine tokens (connectors)


@router.post("/tokens/connector", status_code=201, response_model=MachineToken)
def issue_connector_token(
    body: ConnectorTokenCreate, hub: HubDep, access: AccessDep, _: Admin
) -> Any:
    """Issues a connector's machine token for one agency; shown only in this answer."""
    hub.get_agency(body.agency_id)
    lifetime = None if body.lifetime_days is None else body.lifetime_days * DAY
    issued = access.issue_token(Role.CONNECTOR, body.agency_id, body.label, expires_in=lifetime)
    return vars(issued)


@router.get("/tokens", response_model=list[TokenPublic])
def list_tokens(access: AccessDep, _: Admin, agency_id: UUID | None = None) -> Any:
    return access.list_tokens(agency_id)


@router.post("/tokens/{token_id}/rotate", status_code=201, response_model=MachineToken)
def rotate_token(token_id: str, body: TokenRotate, access: AccessDep, _: Admin) -> Any:
    """Issues the token's successor; the old one stays valid for the overlap."""
    lifetime = None if body.lifetime_days is None else body.lifetime_days * DAY
    try:
        issued = access.rotate(token_id, overlap=body.overlap_hours * 3600, expires_in=lifetime)
    except KeyError:
        raise Problem(404, "not-found", "Not found", "no valid token with that id") from None
    except AuditorIsAUser as e:  # an auditor token from before auditors signed in
        raise Problem(422, "auditor-is-a-user", "Auditors sign in as officials", str(e)) from None
    return vars(issued)


@router.post("/tokens/{token_id}/revoke", status_code=204)
def revoke_token(token_id: str, access: AccessDep, _: Admin) -> None:
    if not access.revoke(token_id):
        raise Problem(404, "not-found", "Not found", "no token with that id")
