"""Audit (审计), for auditors: every case, a case replayed "as it stood on" a day chosen with a
slider, its hash-chain verification, the access log, and the replay's PDF and JSON Lines.

The same rules and reads as the JSON audit routes (:mod:`hub.api.routes.audit`): only an
auditor or an administrator (:func:`hub.api.deps.get_auditor`, others get the "not allowed"
page as the API answers 403); the replay is ``replay_case`` on business dates, as
``GET /audit/cases/{id}/replay?as_of=…&basis=business`` answers it, read for people by
:mod:`hub.audit.reading` like the PDF report. Nothing here shows a person's personal data
(the replay holds none), so reading these pages records no read.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from hub.access.principal import Principal
from hub.api.deps import get_auditor
from hub.api.problems import Problem
from hub.audit.export import to_jsonl, to_pdf
from hub.audit.fonts import ReportFontMissing
from hub.audit.reading import CHINA, read_replay
from hub.audit.words import STAGES, say
from hub.console import i18n
from hub.console.nav import NavItem, auditors
from hub.console.session import Official, lang_of, services_of

router = APIRouter(prefix="/audit")
NAV = [NavItem("nav.audit", "/audit", order=40, visible=auditors)]

i18n.register(
    {
        "nav.audit": ("审计", "Audit"),
        "audit.title": ("审计", "Audit"),
        "audit.cases": ("案件", "Cases"),
        "audit.case": ("案件", "Case"),
        "audit.received_on": ("受理日期", "Received on"),
        "audit.procuratorate": ("办理机关", "Procuratorate"),
        "audit.stage": ("阶段", "Stage"),
        "audit.granted": ("决定救助金额", "Granted"),
        "audit.replay": ("回放", "Replay"),
        "audit.more": ("下一页", "Next page"),
        "audit.empty": ("还没有案件。", "No case yet."),
        "audit.access_log": ("个人信息查阅记录", "Access log"),
        "audit.replay_title": ("案件回放", "Case replay"),
        "audit.as_of": ("回放至", "As it stood on"),
        "audit.as_of_help": (
            "拖动滑块选择日期（按业务日期），再点“回放”。",
            "Move the slider to a day (business dates), then press Replay.",
        ),
        "audit.show": ("回放", "Replay"),
        "audit.verification": ("哈希链校验", "Hash-chain verification"),
        "audit.events": ("事件经过", "Events"),
        "audit.referrals": ("转介", "Referrals"),
        "audit.no_events": ("当日案件尚未受理。", "The case had not been received by then."),
        "audit.export": ("导出", "Export"),
        "audit.pdf": ("审计报告（PDF）", "Audit report (PDF)"),
        "audit.jsonl": ("JSON Lines", "JSON Lines"),
        "audit.no": ("序号", "No."),
        "audit.business_day": ("业务日期", "Business date"),
        "audit.recorded_at": ("记录时间", "Recorded"),
        "audit.event": ("事件", "Event"),
        "audit.who": ("经办", "Who"),
        "audit.details": ("内容", "Details"),
        "audit.from": ("转出单位", "From"),
        "audit.to": ("接收单位", "To"),
        "audit.direction": ("方向", "Direction"),
        "audit.status": ("状态", "Status"),
        "audit.due": ("答复期限", "Due"),
        "audit.outcome": ("办理结果", "Outcome"),
        "audit.reads": ("个人信息查阅记录", "Reads of personal data"),
        "audit.reads_help": (
            "每一次查阅个人信息：谁、何时、查阅了谁、为什么、通过什么渠道。",
            "Every read of personal data: who, when, whose, why, through which channel.",
        ),
        "audit.read_at": ("时间", "When"),
        "audit.reader": ("查阅人", "Reader"),
        "audit.role": ("角色", "Role"),
        "audit.agency": ("单位", "Agency"),
        "audit.person": ("当事人编号", "Person id"),
        "audit.purpose": ("目的", "Purpose"),
        "audit.channel": ("渠道", "Channel"),
        "audit.no_reads": ("还没有查阅记录。", "No read recorded yet."),
    }
)


async def console_auditor(principal: Official) -> Principal:
    """The signed-in official, if an auditor or administrator (as the API's audit routes)."""
    return await get_auditor(principal)


AuditorPage = Annotated[Principal, Depends(console_auditor)]
Day = Annotated[int | None, Query(ge=0, le=366 * 200)]


@router.get("")
def index(request: Request, _: AuditorPage, cursor: Annotated[int, Query(ge=0)] = 0) -> Response:
    """Every case, in the order received, a page at a time (as ``hub case list`` for auditors)."""
    hub = services_of(request).hub
    page = hub.list_cases(None, cursor=cursor)
    names = {a["id"]: a["name"] for a in hub.list_agencies()}
    lang = lang_of(request)
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "audit/index.html",
        cases=page["items"],
        next_cursor=page["next_cursor"],
        names=names,
        stage_word=lambda stage: say(STAGES, stage, lang),
    )


def first_day(replay: dict[str, Any]) -> date:
    """The case's first business date (its lead received), else today in China."""
    days = [date.fromisoformat(e["on"]) for e in replay["events"] if e.get("on")]
    return min(days) if days else datetime.now(CHINA).date()


def replay_on(
    request: Request, case_id: UUID, day: int | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The slider's range (first day, last day, chosen offset) and the case as it stood then."""
    hub = services_of(request).hub
    whole = hub.replay_case(case_id, None, "business")
    start = first_day(whole)
    today = datetime.now(CHINA).date()
    span = max(0, (today - start).days)
    chosen = span if day is None else min(day, span)
    on = start + timedelta(days=chosen)
    as_of = datetime.combine(on, time(23, 59, 59), CHINA)
    replay = whole if chosen == span else hub.replay_case(case_id, as_of, "business")
    slider = {
        "start": start.isoformat(),
        "end": today.isoformat(),
        "span": span,
        "day": chosen,
        "on": on.isoformat(),
    }
    return slider, replay


@router.get("/cases/{case_id}")
def case(request: Request, case_id: UUID, _: AuditorPage, day: Day = None) -> Response:
    """A case as it stood on the chosen day: facts, verification, referrals and events."""
    slider, replay = replay_on(request, case_id, day)
    reading = read_replay(replay, lang_of(request))
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "audit/case.html",
        case_id=str(case_id),
        slider=slider,
        reading=reading,
        replay=replay,
    )


@router.get("/cases/{case_id}/report.pdf")
def report_pdf(request: Request, case_id: UUID, _: AuditorPage, day: Day = None) -> Response:
    """The audit report of the case as it stood on the chosen day (as the API's format=pdf)."""
    slider, replay = replay_on(request, case_id, day)
    try:
        pdf = to_pdf(replay, lang_of(request))
    except ReportFontMissing as e:
        raise Problem(503, "report-font-missing", "The report's font is missing", str(e)) from None
    name = f"audit-{str(case_id)[:8]}-{slider['on']}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/cases/{case_id}/replay.jsonl")
def replay_jsonl(request: Request, case_id: UUID, _: AuditorPage, day: Day = None) -> Response:
    """The replay as JSON Lines (as the API's format=jsonl)."""
    slider, replay = replay_on(request, case_id, day)
    name = f"replay-{str(case_id)[:8]}-{slider['on']}.jsonl"
    return Response(
        to_jsonl(replay),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/access-log")
def access_log(request: Request, _: AuditorPage) -> Response:
    """Every recorded read of personal data, newest first (as ``GET /audit/access-log``)."""
    hub = services_of(request).hub
    reads = list(reversed(hub.access_log()))
    names = {a["id"]: a["name"] for a in hub.list_agencies()}
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request, "audit/access_log.html", reads=reads, names=names
    )
