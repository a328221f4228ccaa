"""A new referral (发起转介): the recipient picked from the directory by service and region, the
consent that covers it shown before sending, sent once per form.

The person comes from the official's work (a referral or case page's link) or is looked up by
ID number as ``POST /lookups/persons`` does (an agency that may not refer her reads what an
unknown number reads). The consent shown is the one the referral would rely on
(:meth:`~hub.app.ReliefHub.consent_for_referral`, under :mod:`hub.privacy`'s rules); without
one the form asks for the legal basis the API asks for. Sending runs the API's command
(:func:`hub.api.routes.referrals.refer_command`) with the form's idempotency key.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domain.errors import DomainError
from domain.values import Service, region_contains
from hub import privacy
from hub.access.principal import Principal
from hub.api.deps import agency_of
from hub.api.problems import Problem
from hub.api.routes.referrals import refer_command
from hub.api.schemas import ReferralCreate
from hub.console import i18n
from hub.console.commands import new_key, run_once
from hub.console.security import PREFIX
from hub.console.session import SIGNED_FORM, Official, lang_of, services_of

router = APIRouter(prefix="/work/new")

i18n.register(
    {
        "new.title": ("发起转介", "New referral"),
        "new.lookup": ("按身份证号查找当事人", "Find the person by ID number"),
        "new.id_number": ("身份证号", "ID number"),
        "new.find": ("查找", "Find"),
        "new.person": ("当事人", "Person"),
        "new.person_chosen": ("已选定当事人（编号 {id}）", "Person chosen (id {id})"),
        "new.no_person": (
            "请先从转介或案件页面进入，或按身份证号查找当事人。",
            "Start from a referral or case page, or find the person by ID number.",
        ),
        "new.not_found": (
            "未找到可由本单位转介的当事人。",
            "No person your agency may refer has this number.",
        ),
        "new.region": ("地区代码（如 654025）", "Region code (e.g. 654025)"),
        "new.search": ("查找接收单位", "Find recipients"),
        "new.recipients": ("可选接收单位", "Recipients"),
        "new.choose": ("选择", "Choose"),
        "new.none": ("该地区没有提供此服务的单位。", "No agency offers this service there."),
        "new.consent": ("覆盖本次转介的同意书", "The consent that covers this referral"),
        "new.consent_none": (
            "没有覆盖该接收单位和服务的有效同意书：只能依法定依据转介，须填写依据。",
            "No live consent covers this recipient and service: refer only on a legal basis, "
            "stated below.",
        ),
        "new.recorded": ("记录", "Recorded"),
        "new.valid": ("有效期", "Valid"),
        "new.evidence": ("同意方式", "Evidence"),
        "new.scope": ("范围", "Scope"),
        "new.all_services": ("全部服务", "all services"),
        "new.reason": ("转介理由", "Reason"),
        "new.legal_basis": ("法定依据（无同意书时必填）", "Legal basis (without consent)"),
        "new.send": ("发送转介", "Send the referral"),
    }
)


def require_staff(principal: Principal) -> None:
    if not principal.acts_for_agency:
        raise Problem(403, "forbidden", "Forbidden", "only an agency's staff may")


def may_refer(request: Request, principal: Principal, person_id: UUID) -> None:
    """A person the agency may not refer reads as an unknown one (404)."""
    hub = services_of(request).hub
    if not privacy.may_refer(hub.person_facts(person_id, agency_of(principal))):
        raise Problem(404, "not-found", "Not found", "not found")


def recipients(
    request: Request, principal: Principal, service: str | None, region: str
) -> list[dict[str, Any]]:
    """The directory's agencies offering ``service`` in ``region`` (or below it)."""
    if not service:
        return []
    found = [
        a
        for a in services_of(request).hub.list_agencies()
        if service in a["services"]
        and str(a["id"]) != str(principal.agency_id)
        and (not region or region_contains(region, a["region_code"]))
    ]
    return sorted(found, key=lambda a: (a["region_code"], a["name"]))


def form_page(
    request: Request,
    principal: Principal,
    *,
    person: UUID | None,
    service: str | None,
    region: str,
    recipient: UUID | None,
    case: UUID | None,
    status: int = 200,
    **values: Any,
) -> Response:
    services = services_of(request)
    hub = services.hub
    if person is not None:
        may_refer(request, principal, person)
    service = service if service in {s.value for s in Service} else None
    consent = chosen = None
    if person is not None and recipient is not None and service:
        chosen = hub.get_agency(recipient)
        consent = hub.consent_for_referral(
            person,
            requester_id=agency_of(principal),
            recipient_id=recipient,
            services=[service],
            on=hub.today(),
        )
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "work/new.html",
        status,
        person=person,
        service=service,
        region=region,
        recipient=chosen,
        case=case,
        consent=consent,
        found=recipients(request, principal, service, region) if person else [],
        services=[s.value for s in Service],
        key=new_key(),
        **values,
    )


@router.get("")
def new_referral(
    request: Request,
    principal: Official,
    person: UUID | None = None,
    service: str | None = None,
    region: Annotated[str, Query(max_length=12)] = "",
    recipient: UUID | None = None,
    case: UUID | None = None,
) -> Response:
    require_staff(principal)
    region = region if region.isdigit() else ""
    return form_page(
        request,
        principal,
        person=person,
        service=service,
        region=region,
        recipient=recipient,
        case=case,
    )


@router.post("/lookup", dependencies=SIGNED_FORM)
def lookup(
    request: Request,
    principal: Official,
    id_number: Annotated[str, Form(max_length=18)],
) -> Response:
    """Finds the person by ID number for an agency that may refer her, else says none."""
    require_staff(principal)
    hub = services_of(request).hub
    try:
        person_id = hub.find_person(id_number.strip().upper(), agency_of(principal))
        may_refer(request, principal, person_id)
    except (DomainError, Problem):  # unknown, malformed or not hers to refer: one answer
        return form_page(
            request,
            principal,
            person=None,
            service=None,
            region="",
            recipient=None,
            case=None,
            status=404,
            problem=i18n.t("new.not_found", lang_of(request)),
        )
    return RedirectResponse(f"{PREFIX}/work/new?person={person_id}", status_code=303)


@router.post("", dependencies=SIGNED_FORM)
def send(
    request: Request,
    principal: Official,
    key: Annotated[str, Form(max_length=200)],
    person: Annotated[UUID, Form()],
    recipient: Annotated[UUID, Form()],
    service: Annotated[str, Form(max_length=40)],
    reason: Annotated[str, Form(max_length=4000)] = "",
    legal_basis: Annotated[str, Form(max_length=4000)] = "",
    case: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    require_staff(principal)
    may_refer(request, principal, person)
    lang = lang_of(request)
    again: dict[str, Any] = {
        "person": person,
        "service": service,
        "region": "",
        "recipient": recipient,
        "case": UUID(case) if case else None,
    }
    try:
        body = ReferralCreate.model_validate(
            {
                "recipient_id": str(recipient),
                "person_id": str(person),
                "case_id": case or None,
                "reason": reason.strip(),
                "services": [service],
                "legal_basis": legal_basis.strip() or None,
                "invoked_by": principal.name if legal_basis.strip() else None,
            }
        )
    except ValidationError:
        return form_page(
            request, principal, status=422, problem=i18n.rule_text("validation", lang), **again
        )
    hub = services_of(request).hub
    done = run_once(
        request,
        principal,
        api_path="/referrals",
        body=body,
        key=key,
        command=refer_command(hub, principal, body),
        status=201,
    )
    if not done.ok:
        return form_page(
            request,
            principal,
            status=done.status,
            problem=i18n.rule_text(done.rule, lang),
            **again,
        )
    return RedirectResponse(f"{PREFIX}/work/referrals/{done.body['id']}", status_code=303)
