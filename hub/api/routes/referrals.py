"""Referrals over HTTP: request one, answer it (FHIR Task statuses), read it, re-refer it."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query

from hub.access.principal import Principal, PrincipalKind
from hub.api.deps import (
    HubDep,
    OnceDep,
    Reader,
    Staff,
    StaffOnce,
    agency_of,
    may_read,
    own_agency,
)
from hub.api.problems import who_acted_problem
from hub.api.schemas import (
    Created,
    EventPublic,
    ReferralAnswer,
    ReferralCreate,
    ReferralPublic,
    ReReferralCreate,
    StatusAnswer,
)
from hub.app import ReliefHub
from hub.commands.referrals import ACTIONS

router = APIRouter(tags=["referrals"])

Action = StrEnum("Action", {a.upper(): a for a in ACTIONS})  # type: ignore[misc]


def _parties(referral: dict[str, Any]) -> set[UUID]:
    return {UUID(referral["requester_id"]), UUID(referral["recipient_id"])}


def refer_command(
    hub: ReliefHub, staff: Principal, body: ReferralCreate
) -> Callable[[], dict[str, Any]]:
    """The command a new referral runs (here and on the console's form)."""
    return lambda: {
        "id": hub.refer(
            requester_id=agency_of(staff),
            recipient_id=body.recipient_id,
            person_id=body.person_id,
            reason=body.reason,
            services=[s.value for s in body.services],
            on_behalf_of=body.on_behalf_of,
            case_id=body.case_id,
            legal_basis=body.legal_basis,
            invoked_by=body.invoked_by,
            on=body.requested_on,
            found_on=body.found_on,
            backdate_reason=body.backdate_reason,
            answers=None
            if body.answers_follow_up is None or body.answers_need is None
            else (body.answers_follow_up, body.answers_need.value),
        )
    }


@router.post("/referrals", status_code=201, response_model=Created)
async def refer(body: ReferralCreate, once: StaffOnce) -> Any:
    """Refers a person to another agency; due in the recipient's target in working days."""
    assert once.principal is not None
    return await once.run(refer_command(once.hub, once.principal, body), 201)


@router.get(
    "/referrals/{referral_id}", response_model=ReferralPublic, response_model_exclude_unset=True
)
def get_referral(referral_id: UUID, hub: HubDep, reader: Reader) -> dict[str, Any]:
    referral = hub.get_referral(referral_id)
    may_read(reader, _parties(referral))
    return referral


@router.get(
    "/referrals/{referral_id}/history",
    response_model=list[EventPublic],
    response_model_exclude_unset=True,
)
def referral_history(referral_id: UUID, hub: HubDep, reader: Reader) -> list[dict[str, Any]]:
    may_read(reader, _parties(hub.get_referral(referral_id)))
    return hub.history(referral_id)


@router.post("/referrals/{referral_id}/re-refer", status_code=201, response_model=Created)
def re_refer(
    referral_id: UUID, body: ReReferralCreate, hub: HubDep, staff: Staff, once: OnceDep
) -> Any:
    """Sends a rejected or failed referral on to another agency."""
    return once(
        lambda: {
            "id": hub.re_refer(
                referral_id=referral_id,
                by_agency=agency_of(staff),
                new_recipient_id=body.recipient_id,
                reason=body.reason,
                on_behalf_of=body.on_behalf_of,
                services=[s.value for s in body.services] if body.services else None,
            )
        },
        201,
    )


@router.post("/referrals/{referral_id}/history", include_in_schema=False)
def history_is_read_only(referral_id: UUID) -> None:
    """A referral's history is read, not posted to (not taken for an action named history)."""
    raise HTTPException(405, "Method Not Allowed")


@router.post("/referrals/{referral_id}/{action}", response_model=StatusAnswer)
def answer(
    referral_id: UUID,
    action: Action,
    body: ReferralAnswer,
    hub: HubDep,
    staff: Staff,
    once: OnceDep,
) -> Any:
    """Sets the referral's status: the recipient receives, accepts, rejects, starts, holds,
    resumes, completes or fails it; either side cancels it. Reasons are required for reject,
    hold, fail and cancel; complete records the outcome."""
    return once(answer_command(hub, staff, referral_id, action.value, body, once.key))


def answer_command(
    hub: ReliefHub,
    staff: Principal,
    referral_id: UUID,
    action: str,
    body: ReferralAnswer,
    key: str | None,
) -> Callable[[], dict[str, Any]]:
    """The command an answer runs (here and on the console's referral page)."""

    note = _on_behalf_of(body, staff)

    def command() -> dict[str, Any]:
        status = hub.answer_referral(
            referral_id,
            agency_of(staff),
            action,
            body.reason,
            body.outcome.model_dump(mode="json") if body.outcome else None,
            on_behalf_of=note,
            request_key=key,
        )
        version = hub.get_referral(referral_id)["version"]
        return {"id": referral_id, "status": status, "version": version}

    return command


def _on_behalf_of(body: ReferralAnswer, caller: Principal) -> str | None:
    """The answer's note. ``actor``, what connectors sent before ``on_behalf_of``, is kept as
    the note when a connector's token sends it (one deprecation period, docs/identity.md);
    from an official it is refused, as every body that names who acted is."""
    if body.actor is None:
        return body.on_behalf_of
    if caller.kind != PrincipalKind.CONNECTOR or body.on_behalf_of is not None:
        raise who_acted_problem("actor")
    return body.actor


@router.get(
    "/agencies/{agency_id}/referrals",
    response_model=list[ReferralPublic],
    response_model_exclude_unset=True,
)
def agency_referrals(
    agency_id: UUID,
    hub: HubDep,
    reader: Reader,
    box: str = Query("all", pattern="^(all|inbox|outbox)$"),
) -> list[dict[str, Any]]:
    """The referrals an agency sent (outbox) or received (inbox)."""
    own_agency(reader, agency_id)
    referrals = hub.agency_referrals(agency_id)
    if box == "inbox":
        return [r for r in referrals if r["recipient_id"] == str(agency_id)]
    if box == "outbox":
        return [r for r in referrals if r["requester_id"] == str(agency_id)]
    return referrals
