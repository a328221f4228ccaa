"""For auditors: case replay as of a time (JSON, JSON Lines, PDF), verification, access log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response

from hub.api.deps import Admin, Auditor, HubDep, OnceDep
from hub.api.problems import Problem
from hub.api.schemas import AccessReadPublic, Done, Strict, Text, VerificationPublic
from hub.audit.export import to_jsonl, to_pdf
from hub.audit.fonts import ReportFontMissing

router = APIRouter(tags=["audit"])


class Erasure(Strict):
    """Who erases is the signed-in administrator (recorded as ``erased_by``), never the body."""

    legal_basis: Text


REPLAY_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The replay, in the format asked for",
        "content": {"application/json": {}, "application/x-ndjson": {}, "application/pdf": {}},
    }
}


def _time(value: str | None) -> datetime | None:
    """An ISO 8601 time with its zone (a number is not taken for a Unix time)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Problem(422, "validation", "Invalid request", "as_of is an ISO time") from None
    if moment.tzinfo is None:
        raise Problem(422, "validation", "Invalid request", "as_of needs a time zone")
    return moment


@router.get("/audit/cases/{case_id}/replay", response_model=None, responses=REPLAY_FORMATS)
def replay_case(
    case_id: UUID,
    hub: HubDep,
    _: Auditor,
    as_of: Annotated[
        str | None,
        Query(
            max_length=64,
            description="ISO time with zone",
            json_schema_extra={"format": "date-time"},
        ),
    ] = None,
    basis: Annotated[
        str,
        Query(
            pattern="^(recorded|business)$",
            description="as_of on the time each event was recorded, or the day it happened",
        ),
    ] = "recorded",
    format: Annotated[str, Query(pattern="^(json|jsonl|pdf)$")] = "json",
    lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh",
) -> Any:
    """The case and its referrals as they stood at ``as_of`` (on the ``basis`` it names, which
    the answer repeats as ``as_of_basis``), every event, and verification."""
    result = hub.replay_case(case_id, _time(as_of), basis)
    if format == "jsonl":
        return Response(to_jsonl(result), media_type="application/x-ndjson")
    if format == "pdf":
        try:
            pdf = to_pdf(result, lang)
        except ReportFontMissing as e:
            raise Problem(
                503, "report-font-missing", "The report's font is missing", str(e)
            ) from None
        return Response(pdf, media_type="application/pdf")
    return result


@router.get("/audit/verify", response_model=VerificationPublic, response_model_exclude_unset=True)
def verify(hub: HubDep, _: Auditor, case_id: UUID | None = None) -> dict[str, Any]:
    """Checks the hash chains of every stream (or one case's); lists any finding."""
    report = hub.verify_log(case_id)
    return {
        "ok": report.ok,
        "checked": report.checked,
        "streams": report.streams,
        "findings": [vars(f) for f in report.findings],
    }


@router.get(
    "/audit/access-log", response_model=list[AccessReadPublic], response_model_exclude_unset=True
)
def access_log(hub: HubDep, _: Auditor, person_id: UUID | None = None) -> list[dict[str, Any]]:
    """Every read of personal data: who, whose, when, why, through which channel."""
    return hub.access_log(person_id)


@router.post("/persons/{person_id}/erase", response_model=Done)
def erase_person(person_id: UUID, body: Erasure, hub: HubDep, admin: Admin, once: OnceDep) -> Any:
    """Erases a person (crypto-shredding): their data key is destroyed; history stays."""

    def command() -> dict[str, Any]:
        hub.erase_person(person_id, body.legal_basis, admin.name)
        return {"id": person_id, "version": hub.get_person(person_id)["version"]}

    return once(command)
