"""For auditors: case replay as of a time (JSON, JSON Lines, PDF), verification, access log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from hub.access import Principal, Role
from hub.api.deps import Admin, HubDep, OnceDep, Reader
from hub.api.problems import Problem
from hub.api.schemas import Done, Strict, Text
from hub.audit.export import to_jsonl, to_pdf

router = APIRouter(tags=["audit"])


async def get_auditor(principal: Reader) -> Principal:
    if principal.role not in (Role.AUDITOR, Role.ADMIN):
        raise Problem(403, "forbidden", "Forbidden", "only auditors may")
    return principal


Auditor = Annotated[Principal, Depends(get_auditor)]


class Erasure(Strict):
    legal_basis: Text
    erased_by: Text


@router.get("/audit/cases/{case_id}/replay", response_model=None)
def replay_case(
    case_id: UUID,
    hub: HubDep,
    _: Auditor,
    as_of: Annotated[datetime | None, Query(description="ISO time with zone")] = None,
    format: Annotated[str, Query(pattern="^(json|jsonl|pdf)$")] = "json",
    lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh",
) -> Any:
    """The case and its referrals as they stood at ``as_of``, every event, and verification."""
    if as_of is not None and as_of.tzinfo is None:
        raise Problem(422, "validation", "Invalid request", "as_of needs a time zone")
    result = hub.replay_case(case_id, as_of)
    if format == "jsonl":
        return Response(to_jsonl(result), media_type="application/x-ndjson")
    if format == "pdf":
        return Response(to_pdf(result, lang), media_type="application/pdf")
    return result


@router.get("/audit/verify")
def verify(hub: HubDep, _: Auditor, case_id: UUID | None = None) -> dict[str, Any]:
    """Checks the hash chains of every stream (or one case's); lists any finding."""
    report = hub.verify_log(case_id)
    return {
        "ok": report.ok,
        "checked": report.checked,
        "streams": report.streams,
        "findings": [vars(f) for f in report.findings],
    }


@router.get("/audit/access-log")
def access_log(hub: HubDep, _: Auditor, person_id: UUID | None = None) -> list[dict[str, Any]]:
    """Every read of personal data: who, whose, when, why, through which channel."""
    return hub.access_log(person_id)


@router.post("/persons/{person_id}/erase", response_model=Done)
def erase_person(person_id: UUID, body: Erasure, hub: HubDep, _: Admin, once: OnceDep) -> Any:
    """Erases a person (crypto-shredding): their data key is destroyed; history stays."""

    def command() -> dict[str, Any]:
        hub.erase_person(person_id, body.legal_basis, body.erased_by)
        return {"id": person_id, "version": hub.get_person(person_id)["version"]}

    return once(command)
