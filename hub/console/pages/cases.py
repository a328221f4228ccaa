"""Cases (司法救助案件), for procuratorates' officials: the case list by stage, officer and
deadline, the case file as the procedure's timeline, and the person looked up by ID number.

Reads are the API's: the list is ``GET /cases``'s query (:meth:`~hub.app.ReliefHub.list_cases`:
an agency lists its own cases, auditors and administrators any procuratorate's), the deadline
badge the SLA watch list's rule (:func:`projections.deadlines.case_deadline`); the case file is
``GET /cases/{id}`` and its history behind :func:`hub.api.deps.may_read` (a case of others
reads as a missing one); the combined aid is ``GET /persons/{id}/aid`` under
:func:`hub.api.deps.aid_part`; the lookup is ``POST /lookups/persons``
(:func:`hub.api.routes.persons.read_person`), the read recorded as the API records it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from domain.case import Stage
from domain.errors import DomainError
from domain.values import AgencyKind
from hub.access.principal import Principal
from hub.api.deps import aid_part, may_read, reading_agency
from hub.api.problems import Problem
from hub.api.routes.persons import read_person
from hub.audit.words import EVENTS, say
from hub.bootstrap import Services
from hub.commands.audit import BUSINESS_DATE_FIELDS
from hub.console import i18n
from hub.console.nav import NavItem
from hub.console.session import SIGNED_FORM, Official, lang_of, services_of
from projections.deadlines import case_deadline

router = APIRouter(prefix="/cases")


def lists_cases(principal: Principal, services: Services) -> bool:
    """Who the case list is for (its nav entry and its page): a procuratorate's officials,
    who list their own cases, and auditors and administrators, who list every one. Another
    agency handles no case, so has none to list (``GET /cases`` answers it an empty list);
    it opens a case it is party to from its referral, and looks a person up in the work queue."""
    agency = reading_agency(principal)
    if agency is None:
        return True
    return bool(services.hub.get_agency(agency)["kind"] == AgencyKind.PROCURATORATE)


NAV = [NavItem("nav.cases", "/cases", order=20, visible=lists_cases)]

#: the procedure's steps, in order, and the events that belong to each
STEPS: dict[str, tuple[str, ...]] = {
    "lead": ("LeadReceived", "MatterNamed", "Classified"),
    "inquiry": ("InquiryRecorded",),
    "review": ("Reviewed",),
    "hearing": ("HearingHeld",),
    "decision": (
        "SubmittedForApproval",
        "MeetingRecorded",
        "ApprovalDecided",
        "AdvancePaid",
        "ReliefGranted",
        "ReliefRefused",
    ),
    "disbursement": ("FundsArrived", "ApplicantNotified", "ReliefDisbursed"),
    "follow_up": ("FollowUpRecorded",),
    "closure": ("CaseClosed",),
}
STEP_OF = {event: step for step, events in STEPS.items() for event in events}

i18n.register(
    {
        "nav.cases": ("司法救助案件", "Cases"),
        "cases.title": ("司法救助案件", "Aid cases"),
        "cases.filter": ("筛选", "Filter"),
        "cases.stage": ("阶段", "Stage"),
        "cases.officer": ("承办人", "Officer"),
        "cases.officer_help": ("办理过该案的人员姓名", "Name of an official who acted on it"),
        "cases.due_before": ("决定期限不晚于", "Decision due by"),
        "cases.any": ("不限", "Any"),
        "cases.apply": ("筛选", "Apply"),
        "cases.empty": ("没有符合条件的案件。", "No case matches."),
        "cases.more": ("下一页", "Next page"),
        "cases.received_on": ("受理日期", "Received on"),
        "cases.matter": ("原案案号", "Matter number"),
        "cases.deadline": ("期限", "Deadline"),
        "cases.decision_due": ("决定期限", "Decision due"),
        "cases.granted": ("决定救助金额", "Granted"),
        "cases.open": ("查看", "Open"),
        "cases.case": ("案件", "Case"),
        "cases.file": ("案件卷宗", "Case file"),
        "cases.procuratorate": ("办理机关", "Procuratorate"),
        "cases.source": ("案件来源", "Source"),
        "cases.timeline": ("办理流程", "The procedure"),
        "cases.step.lead": ("受理线索", "Lead"),
        "cases.step.inquiry": ("询问", "Inquiry"),
        "cases.step.review": ("审查", "Review"),
        "cases.step.hearing": ("听证", "Hearing"),
        "cases.step.decision": ("决定", "Decision"),
        "cases.step.disbursement": ("发放", "Disbursement"),
        "cases.step.follow_up": ("回访", "Follow-up"),
        "cases.step.closure": ("结案", "Closure"),
        "cases.state.done": ("已完成", "done"),
        "cases.state.current": ("进行中", "in progress"),
        "cases.state.skipped": ("未进行", "not held"),
        "cases.state.to_come": ("待办", "to come"),
        "cases.state.not_applicable": ("不适用", "not applicable"),
        "cases.amount": ("救助金额", "Amount"),
        "cases.cap": ("上限", "Cap"),
        "cases.cap_rule": (
            "{months} 个月 × 月平均工资 {wage}",
            "{months} months × average monthly wage {wage}",
        ),
        "cases.disbursed": ("已发放", "Disbursed"),
        "cases.advanced": ("先行救助", "Advance relief"),
        "cases.not_decided": ("尚未决定。", "Not decided yet."),
        "cases.proposed": ("拟救助金额", "Proposed"),
        "cases.approvals": ("审批", "Approvals"),
        "cases.approval.proposal": ("报批", "Proposal"),
        "cases.approval.meeting": ("会议", "Meeting"),
        "cases.approval.decision": ("审批意见", "Approval"),
        "cases.approval.grant": ("决定", "Decision"),
        "cases.approved": ("同意", "approved"),
        "cases.refused": ("不同意", "refused"),
        "cases.no_approvals": ("尚未报批。", "Not submitted for approval yet."),
        "cases.who": ("人员", "Who"),
        "cases.on": ("日期", "Date"),
        "cases.what": ("内容", "What"),
        "cases.referrals": ("转介", "Referrals"),
        "cases.referrals_out": ("转出", "Referred out"),
        "cases.referrals_in": ("转入（案件来源）", "Referred in (the case's source)"),
        "cases.no_referrals": ("没有转介。", "No referral."),
        "cases.aid": ("当事人获得的救助（按来源）", "The person's combined aid, by source"),
        "cases.aid_part": (
            "仅显示本单位可查阅的部分。",
            "Only the part your agency may read is shown.",
        ),
        "cases.judicial": ("司法救助", "Judicial relief"),
        "cases.social": ("社会救助", "Social assistance"),
        "cases.total": ("合计", "Total"),
        "cases.provider": ("提供方", "Provider"),
        "cases.kind": ("类别", "Kind"),
        "cases.no_aid": ("尚无救助记录。", "No aid recorded yet."),
        "cases.lookup": ("按身份证号查找当事人", "Find a person by ID number"),
        "cases.id_number": ("身份证号", "ID number"),
        "cases.find": ("查找", "Find"),
        "cases.lookup_note": (
            "查询将记入个人信息查阅记录。",
            "The read is recorded in the access log.",
        ),
        "cases.not_found": (
            "未找到本单位可查阅的当事人。",
            "No person your agency may read has this number.",
        ),
        "cases.person": ("当事人", "Person"),
        "cases.name": ("姓名", "Name"),
        "cases.contact": ("联系方式", "Contact"),
        "cases.health": ("健康状况", "Health"),
        "cases.family": ("家庭情况", "Family"),
        "cases.erased": ("该当事人的个人信息已删除。", "This person's data was erased."),
        "cases.her_cases": ("当事人的案件", "Her cases"),
        "stage.received": ("已受理", "Received"),
        "stage.inquired": ("已询问", "Inquired"),
        "stage.reviewed": ("已审查", "Reviewed"),
        "stage.heard": ("已听证", "Heard"),
        "stage.submitted": ("已报批", "Submitted"),
        "stage.granted": ("决定救助", "Granted"),
        "stage.refused": ("不予救助", "Refused"),
        "stage.disbursed": ("已发放", "Disbursed"),
        "stage.closed": ("已结案", "Closed"),
        "source.applicant": ("当事人申请", "Application"),
        "source.case-department": ("办案部门移送", "Case department"),
        "source.referral": ("转介", "Referral"),
        "meeting.chief-procurator-meeting": ("检察长办公会", "Chief procurator's meeting"),
        "meeting.strict-review": ("严格审查", "Strict review"),
        "decision.approved": ("同意", "Approved"),
        "decision.refused": ("不同意", "Refused"),
    }
)


def deadline_level(case: dict[str, Any], request: Request) -> dict[str, Any] | None:
    """The case's open deadline and its green/amber/red, by the watch list's own rule."""
    services = services_of(request)
    found = case_deadline(case, services.hub.today(), services.sla_policy())
    if found is None:
        return None
    return {"stage": found.stage, "on": found.on.isoformat(), "level": found.level}


def _choice(value: str | None, allowed: list[str]) -> str | None:
    return value if value in allowed else None


@router.get("")
def case_list(
    request: Request,
    principal: Official,
    stage: str | None = None,
    officer: Annotated[str, Query(max_length=100)] = "",
    due_before: Annotated[str, Query(max_length=10)] = "",
    procuratorate: UUID | None = None,
    cursor: Annotated[str | None, Query(pattern=r"^\d{1,18}$")] = None,
) -> Response:
    """The cases in the order received, by stage, officer and decision deadline, with the
    deadline's badge (a date that is not one reads as no filter)."""
    services = services_of(request)
    if not lists_cases(principal, services):
        raise Problem(403, "forbidden", "Forbidden", "only procuratorates list aid cases")
    hub = services.hub
    stage = _choice(stage, [s.value for s in Stage])
    try:
        due = date.fromisoformat(due_before) if due_before else None
    except ValueError:
        due = None
    agency = reading_agency(principal)
    procuratorate_id = agency if agency is not None else procuratorate
    page = hub.list_cases(
        procuratorate_id,
        stage=stage,
        officer=officer.strip() or None,
        due_before=due,
        cursor=int(cursor) if cursor else 0,
        limit=50,
    )
    for item in page["items"]:
        item["deadline"] = deadline_level(item, request)
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "cases/list.html",
        page=page,
        filters={
            "stage": stage,
            "officer": officer.strip(),
            "due_before": due.isoformat() if due else "",
        },
        stages=[s.value for s in Stage],
        procuratorates=_names(request, {i["procuratorate_id"] for i in page["items"]}),
    )


def _names(request: Request, ids: set[str]) -> dict[str, str]:
    hub = services_of(request).hub
    return {i: hub.get_agency(UUID(i))["name"] for i in ids}


@dataclass
class Step:
    key: str
    state: str = "to_come"
    events: list[dict[str, Any]] = field(default_factory=list)


def business_day(event: dict[str, Any]) -> str | None:
    """The day the event happened (not the day it was recorded), where it says."""
    return next(
        (event["details"][k] for k in BUSINESS_DATE_FIELDS if event["details"].get(k)), None
    )


def procedure(case: dict[str, Any], history: list[dict[str, Any]]) -> list[Step]:
    """The eight steps, each done (with its events), current, not held, or still to come."""
    steps = {key: Step(key) for key in STEPS}
    order = list(STEPS)
    last = 0
    for event in history:
        event["day"] = business_day(event)
        key = STEP_OF.get(event["event"], order[last])
        steps[key].events.append(event)
        last = max(last, order.index(key))
    for i, key in enumerate(order):
        step = steps[key]
        if step.events:
            step.state = "done"
        elif i < last:
            step.state = "skipped"
    if case["stage"] == Stage.REFUSED:
        steps["disbursement"].state = "not_applicable"
    elif case["stage"] != Stage.CLOSED:
        current = steps[order[last]]
        decided = current.key != "decision" or case["decided_on"] is not None
        if not decided:
            current.state = "current"
    return list(steps.values())


def approvals(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The proposal, the meetings, the approval and the decision, each with who and when."""
    rows = []
    for e in history:
        d, by = e["details"], (e["by"] or {}).get("name")
        if e["event"] == "SubmittedForApproval":
            who = (d.get("proposer") or {}).get("name") or d.get("submitted_by") or by
            rows.append({"kind": "proposal", "on": d["on"], "who": who, "fen": d["proposed_fen"]})
        elif e["event"] == "MeetingRecorded":
            names = [a.get("name", "") for a in d.get("attendees", [])]
            rows.append(
                {
                    "kind": "meeting",
                    "meeting": d["meeting"],
                    "on": d["held_on"],
                    "who": "、".join(n for n in names if n),
                    "text": d["decision"],
                }
            )
        elif e["event"] == "ApprovalDecided":
            rows.append(
                {
                    "kind": "decision",
                    "on": d["decided_on"],
                    "who": (d.get("approver") or {}).get("name") or by,
                    "approved": d["approved"],
                    "text": d.get("reason"),
                }
            )
        elif e["event"] == "ReliefGranted":
            rows.append(
                {
                    "kind": "grant",
                    "on": d["decided_on"],
                    "who": d["approved_by"],
                    "fen": d["amount_fen"],
                }
            )
    return rows


def grant_of(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The grant's amount and its cap (months × the average monthly wage, or the damages)."""
    for e in reversed(history):
        if e["event"] == "ReliefGranted":
            d = e["details"]
            cap = d["months"] * d["average_monthly_wage_fen"]
            if d.get("damages_fen") is not None:
                cap = min(cap, d["damages_fen"])
            return {**d, "cap_fen": cap}
    return None


def readable_case(request: Request, principal: Principal, case_id: UUID) -> dict[str, Any]:
    hub = services_of(request).hub
    may_read(principal, hub.case_parties(case_id))
    return hub.get_case(case_id)


def combined_aid(request: Request, principal: Principal, person_id: UUID) -> dict[str, Any]:
    """``GET /persons/{id}/aid``'s answer for ``principal``, with whether it is only a part."""
    hub = services_of(request).hub
    part = aid_part(hub, person_id, principal)
    return {**hub.person_aid(person_id, part), "partial": part is not None}


@router.get("/{case_id}")
def case_file(request: Request, principal: Official, case_id: UUID) -> Response:
    """The case file: the procedure's timeline, the amount and its cap, the approvals, the
    referrals out and in, and the person's combined aid as far as the reader may see it."""
    hub = services_of(request).hub
    case = readable_case(request, principal, case_id)
    history = hub.history(case_id)
    out = [r for r in case["referrals"] if r["requester_id"] == case["procuratorate_id"]]
    came_in = []
    if case["referral_id"]:
        came_in.append(hub.get_referral(UUID(case["referral_id"])))
    inward = [r for r in case["referrals"] if r not in out]
    agencies = {case["procuratorate_id"]}
    for r in (*out, *came_in, *inward):
        agencies |= {r["requester_id"], r["recipient_id"]}
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "cases/file.html",
        case=case,
        steps=procedure(case, history),
        approvals=approvals(history),
        grant=grant_of(history),
        deadline=deadline_level(case, request),
        referrals_out=out,
        referrals_in=came_in + inward,
        names=_names(request, agencies),
        aid=combined_aid(request, principal, UUID(case["person_id"])),
        event_word=lambda code: say(EVENTS, code, lang_of(request)),
    )


@router.post("/lookup", dependencies=SIGNED_FORM)
def lookup(
    request: Request,
    principal: Official,
    id_number: Annotated[str, Form(max_length=18)],
) -> Response:
    """The person by ID number, as ``POST /lookups/persons`` reads her (the read recorded),
    with her combined aid and the cases of hers the reader may open; else one answer."""
    hub = services_of(request).hub
    pages = request.app.state.pages
    try:
        person_id = hub.find_person(id_number.strip().upper(), reading_agency(principal))
        person = read_person(hub, person_id, principal, "console: case lookup", "console")
    except (DomainError, Problem):  # unknown, malformed, or not hers to read: one answer
        return pages.render(  # type: ignore[no-any-return]
            request,
            "cases/person.html",
            404,
            person=None,
            problem=i18n.t("cases.not_found", lang_of(request)),
        )
    aid = combined_aid(request, principal, person_id)
    return pages.render(  # type: ignore[no-any-return]
        request, "cases/person.html", person=person, aid=aid
    )
