"""The work queue (待办): an agency's inbox and outbox by due date, and a referral's page with
its timeline and the actions its side may take.

Reads are the API's: the inbox and outbox are the referrals view's pages
(:func:`hub.api.routes.views.read_box`, with its ``freshness``), a referral and its history the
log's (:meth:`~hub.app.ReliefHub.get_referral`, ``history``), each behind the same access rule
(:func:`hub.api.deps.own_agency`, :func:`~hub.api.deps.may_read`): a referral of others reads
as a missing one. Answers run the API's command (:func:`hub.api.routes.referrals.answer_command`)
once per form; a rule the domain refuses is shown in the official's language.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from domain.referral import RECIPIENT_SETS, TRANSITIONS
from domain.values import ProvisionKind, ReferralStatus, Service
from hub.access.principal import Principal
from hub.api.deps import may_read, own_agency
from hub.api.problems import Problem
from hub.api.routes.referrals import answer_command
from hub.api.routes.views import BoxQuery, read_box
from hub.api.schemas import ReferralAnswer
from hub.commands.referrals import ACTIONS
from hub.console import i18n
from hub.console.commands import new_key, run_once
from hub.console.nav import NavItem, anyone
from hub.console.security import PREFIX
from hub.console.session import SIGNED_FORM, Official, lang_of, services_of
from projections import referrals as referral_view
from projections.deadlines import standing

router = APIRouter(prefix="/work")
NAV = [NavItem("nav.work", "/work", order=10, visible=anyone)]

i18n.register(
    {
        "nav.work": ("待办转介", "Work queue"),
        "work.inbox": ("收到的转介", "Inbox"),
        "work.outbox": ("发出的转介", "Outbox"),
        "work.new_referral": ("发起转介", "New referral"),
        "work.filter": ("筛选", "Filter"),
        "work.when": ("期限", "Deadline"),
        "work.when.all": ("全部", "All"),
        "work.when.new": ("新到", "New"),
        "work.when.soon": ("即将到期", "Due soon"),
        "work.when.overdue": ("已超期", "Overdue"),
        "work.status": ("状态", "Status"),
        "work.service": ("服务", "Service"),
        "work.any": ("不限", "Any"),
        "work.apply": ("筛选", "Apply"),
        "work.empty": ("没有符合条件的转介。", "No referral matches."),
        "work.more": ("下一页", "Next page"),
        "work.from": ("发起单位", "From"),
        "work.to": ("接收单位", "To"),
        "work.due": ("答复期限", "Answer due"),
        "work.deadline": ("当前期限", "Current deadline"),
        "work.days_overdue": ("超期 {days} 个工作日", "{days} working days overdue"),
        "work.open": ("查看", "Open"),
        "work.referral": ("转介", "Referral"),
        "work.direction": ("方向", "Direction"),
        "work.reason": ("转介理由", "Reason"),
        "work.status_reason": ("状态说明", "Status reason"),
        "work.on_behalf_of": ("代为办理", "On behalf of"),
        "work.requested_by": ("发起人", "Requested by"),
        "work.requested_on": ("转介日期", "Requested on"),
        "work.outcome": ("办理结果", "Outcome"),
        "work.successful": ("办成", "Successful"),
        "work.unsuccessful": ("未办成", "Not successful"),
        "work.timeline": ("办理经过", "Timeline"),
        "work.by": ("操作人", "By"),
        "work.actions": ("可执行的操作", "Actions"),
        "work.no_actions": ("您的单位当前没有可执行的操作。", "Nothing for your agency to do now."),
        "work.read_only": (
            "只读：审计和管理员不能办理转介。",
            "Read only: auditors and administrators do not answer referrals.",
        ),
        "work.action_reason": (
            "原因（拒绝、暂停、未办成、撤回时必填）",
            "Reason (required to reject, hold, fail or cancel)",
        ),
        "work.provision_kind": ("提供的帮扶", "What was provided"),
        "work.amount": ("金额（元）", "Amount (yuan)"),
        "work.provider": ("提供方", "Provider"),
        "work.description": ("说明", "Description"),
        "work.done": ("已{action}。", "{action}: done."),
        "work.refer_on": ("转介给其他单位", "Refer to another agency"),
        "work.agencies": ("选择单位", "Choose an agency"),
        "work.amount_invalid": (
            "金额须为不超过两位小数的数字。",
            "The amount must be a number with at most two decimals.",
        ),
    }
)

WHEN = ("all", "new", "soon", "overdue")


def level_of(item: dict[str, Any], today: date, policy: Any) -> str | None:
    """The item's green/amber/red as of ``today`` (``None`` once closed)."""
    if not item.get("deadline") or not item.get("deadline_stage"):
        return None
    return standing(
        item["deadline_stage"], date.fromisoformat(item["deadline"]), today, policy
    ).level


def box_page(
    request: Request,
    principal: Principal,
    agency_id: UUID,
    box: str,
    status: str | None,
    service: str | None,
    when: str,
    cursor: str | None,
    limit: int = 50,
) -> dict[str, Any]:
    services = services_of(request)
    statuses = [status] if status else None
    if when == "new":
        statuses = [ReferralStatus.REQUESTED.value]
    query = BoxQuery(
        status=statuses,
        service=Service(service) if service else None,
        overdue=True if when == "overdue" else None,
        limit=limit,
        cursor=cursor,
    )
    if when == "soon":
        query.filters = replace(query.filters, due_soon=True)
    page = read_box(
        referral_view.inbox if box == "inbox" else referral_view.outbox,
        agency_id,
        services,
        principal,
        query,
    )
    today, policy = services.hub.today(), services.sla_policy()
    for item in page["items"]:
        item["level"] = level_of(item, today, policy)
    return page


def counts(request: Request, principal: Principal, agency_id: UUID, box: str) -> dict[str, int]:
    """How many are new, due soon and overdue, as their filters read them: the box's tallies
    per status and due date in the view (:func:`projections.referrals.box_counts`)."""
    services = services_of(request)
    own_agency(principal, agency_id)
    return referral_view.box_counts(
        services.views, box, str(agency_id), services.hub.today(), services.sla_policy()
    )


def _choice(value: str | None, allowed: tuple[str, ...] | list[str]) -> str | None:
    return value if value in allowed else None


@router.get("")
def queue(
    request: Request,
    principal: Official,
    box: Annotated[str, Query(pattern="^(inbox|outbox)$")] = "inbox",
    status: str | None = None,
    service: str | None = None,
    when: str = "all",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    agency: UUID | None = None,
    fragment: bool = False,
) -> Response:
    """The inbox (or outbox) by due date; auditors and administrators pick the agency."""
    pages = request.app.state.pages
    services = services_of(request)
    agency_id = principal.agency_id if principal.acts_for_agency else agency
    if agency_id is None:
        agencies = sorted(services.hub.list_agencies(), key=lambda a: a["region_code"])
        return pages.render(request, "work/agencies.html", agencies=agencies)  # type: ignore[no-any-return]
    status = _choice(status, [s.value for s in ReferralStatus])
    service = _choice(service, [s.value for s in Service])
    when = when if when in WHEN else "all"
    page = box_page(request, principal, agency_id, box, status, service, when, cursor)
    values = {
        "box": box,
        "page": page,
        "counts": counts(request, principal, agency_id, box),
        "filters": {"status": status, "service": service, "when": when},
        "agency_id": agency_id if agency_id != principal.agency_id else None,
        "agency_name": services.hub.get_agency(agency_id)["name"],
        "statuses": [s.value for s in ReferralStatus],
        "services": [s.value for s in Service],
        "whens": WHEN,
    }
    template = "work/_rows.html" if fragment else "work/queue.html"
    return pages.render(request, template, **values)  # type: ignore[no-any-return]


def side_of(principal: Principal, referral: dict[str, Any]) -> str | None:
    if not principal.acts_for_agency:
        return None
    if str(principal.agency_id) == referral["recipient_id"]:
        return "recipient"
    if str(principal.agency_id) == referral["requester_id"]:
        return "requester"
    return None


def actions_for(side: str | None, status: str) -> list[str]:
    """The actions the referral's status allows to ``side`` (the page offers these)."""
    if side is None:
        return []
    allowed = TRANSITIONS[ReferralStatus(status)]
    return [
        action
        for action, to in ACTIONS.items()
        if to in allowed
        and (
            (to == ReferralStatus.CANCELLED and side == "requester")
            or (to != ReferralStatus.CANCELLED and (to in RECIPIENT_SETS) == (side == "recipient"))
        )
    ]


def readable_referral(request: Request, principal: Principal, referral_id: UUID) -> dict[str, Any]:
    hub = services_of(request).hub
    referral = hub.get_referral(referral_id)
    may_read(principal, {UUID(referral["requester_id"]), UUID(referral["recipient_id"])})
    return referral


def referral_page(
    request: Request,
    principal: Principal,
    referral_id: UUID,
    status: int = 200,
    **values: Any,
) -> Response:
    services = services_of(request)
    hub = services.hub
    referral = readable_referral(request, principal, referral_id)
    names = {
        a: hub.get_agency(UUID(a))["name"]
        for a in (referral["requester_id"], referral["recipient_id"])
    }
    side = side_of(principal, referral)
    history = hub.history(referral_id)
    for event in history:
        event["agency"] = names.get(str(event["details"].get("by_agency")), "")
    template = (
        "work/_timeline.html" if request.query_params.get("fragment") else "work/referral.html"
    )
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        template,
        status,
        referral=referral,
        names=names,
        side=side,
        actions=actions_for(side, referral["status"]),
        history=history,
        provision_kinds=[k.value for k in ProvisionKind],
        key=new_key(),
        log_position=hub.recorder.max_notification_id() or 0,
        **values,
    )


@router.get("/referrals/{referral_id}")
def referral(request: Request, principal: Official, referral_id: UUID) -> Response:
    """A referral: its facts, its timeline and what its side may do now."""
    done = request.query_params.get("done")
    return referral_page(request, principal, referral_id, done=done if done in ACTIONS else None)


def yuan_to_fen(text: str) -> int | None:
    """``"1500"`` or ``"1,500.50"`` yuan to fen; ``None`` if empty; ValueError if malformed."""
    cleaned = text.replace(",", "").replace("，", "").strip()
    if not cleaned:
        return None
    whole, _, cents = cleaned.partition(".")
    if not whole.isdigit() or len(cents) > 2 or (cents and not cents.isdigit()):
        raise ValueError(text)
    return int(whole) * 100 + int(cents.ljust(2, "0") or 0)


@router.post("/referrals/{referral_id}/{action}", dependencies=SIGNED_FORM)
def act(
    request: Request,
    principal: Official,
    referral_id: UUID,
    action: str,
    key: Annotated[str, Form(max_length=200)],
    reason: Annotated[str, Form(max_length=4000)] = "",
    successful: Annotated[str, Form(max_length=10)] = "yes",
    provision_kind: Annotated[str, Form(max_length=40)] = "",
    amount: Annotated[str, Form(max_length=40)] = "",
    provider: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Answers the referral as the signed-in official's agency; the domain decides."""
    if action not in ACTIONS:
        raise Problem(404, "not-found", "Not found", "not found")
    readable_referral(request, principal, referral_id)  # a non-party reads a missing one
    if not principal.acts_for_agency:
        raise Problem(403, "forbidden", "Forbidden", "only an agency's staff may")
    lang = lang_of(request)
    outcome = None
    if action == "complete":
        provisions = []
        if provision_kind:
            try:
                fen = yuan_to_fen(amount)
            except ValueError:
                return referral_page(
                    request,
                    principal,
                    referral_id,
                    422,
                    problem=i18n.t("work.amount_invalid", lang),
                )
            provisions.append(
                {
                    "kind": provision_kind,
                    "amount_fen": fen,
                    "provider": provider.strip() or principal.name,
                    "description": description.strip(),
                }
            )
        outcome = {
            "successful": successful == "yes",
            "reason": reason.strip() or None,
            "provisions": provisions,
        }
    try:
        body = ReferralAnswer.model_validate(
            {
                "reason": reason.strip() or None,
                "outcome": outcome,
            }
        )
    except ValidationError:
        return referral_page(
            request, principal, referral_id, 422, problem=i18n.rule_text("validation", lang)
        )
    done = run_once(
        request,
        principal,
        api_path=f"/referrals/{referral_id}/{action}",
        body=body,
        key=key,
        command=answer_command(services_of(request).hub, principal, referral_id, action, body, key),
    )
    if not done.ok:
        return referral_page(
            request, principal, referral_id, done.status, problem=i18n.rule_text(done.rule, lang)
        )
    return RedirectResponse(f"{PREFIX}/work/referrals/{referral_id}?done={action}", status_code=303)
