"""Local sign-in of officials: sign in, sign out, and who the caller is.

``POST /auth/sign-in`` is the one public POST: it answers a session token for the agency's
official with that staff number, if the password (and TOTP code, where enrolled) match. Every
refusal is the same 401, so it reveals neither whether the official exists nor which part was
wrong; repeated failures lock the account for a while (429 with ``Retry-After``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from domain.agency import Agency
from domain.officials import User
from hub.access.principal import Principal
from hub.api.deps import IdentityDep, Reader
from hub.api.problems import Problem
from hub.api.schemas.identity import MePublic, SignedIn, SignIn
from hub.identity.passwords import LockedOut, SignInRefused

router = APIRouter(prefix="/auth", tags=["sign-in"])


def me(principal: Principal) -> dict[str, Any]:
    return {
        "kind": principal.kind.value,
        "role": principal.role.value,
        "user_id": principal.user_id,
        "agency_id": principal.agency_id,
        "name": principal.name,
        "roles": list(principal.roles),
    }


def _agency_id(agency: str) -> UUID:
    try:
        return UUID(agency)
    except ValueError:
        return Agency.id_for(agency)


@router.post("/sign-in", response_model=SignedIn)
async def sign_in(body: SignIn, identity: IdentityDep) -> Any:
    user_id = User.id_for(_agency_id(body.agency), body.staff_number)
    try:
        signed = await run_in_threadpool(identity.sign_in, user_id, body.password, body.code)
    except LockedOut as e:
        raise Problem(
            429,
            e.rule,
            "Too many failed sign-ins",
            str(e),
            headers={"Retry-After": str(e.retry_after)},
        ) from None
    except SignInRefused as e:
        raise Problem(
            401,
            e.rule,
            "Sign-in refused",
            "the agency, staff number, password or code is not right",
        ) from None
    return {**me(signed.principal), "token": signed.token, "expires": signed.expires}


@router.post("/sign-out", status_code=204)
def sign_out(principal: Reader, identity: IdentityDep) -> None:
    """Ends the caller's session: its token is refused from now on."""
    identity.sign_out(principal)


@router.get("/me", response_model=MePublic)
def who_am_i(principal: Reader) -> Any:
    return me(principal)
