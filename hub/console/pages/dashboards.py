"""Dashboards (领导驾驶舱): a region's figures over a period with drill-down 自治区 → 地州 → 县市,
each chart with its table beneath and CSV/XLSX export; the SLA board; a mechanism's page.

Reads are the API's: the dashboard view's query (:func:`hub.api.routes.dashboards.
read_dashboard`, with its ``freshness``) behind the same rule (:func:`hub.api.deps.
within_region`: an agency its own region and those below it, auditors and administrators
every region), a page of the SLA watch list with its counts (:func:`hub.api.routes.views.
read_watch_page`) and a mechanism's activity. Charts are bars drawn on the server (HTML and
CSS: no script, readable without one), their numbers in the table beneath.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from domain.regions import PREFECTURES, XINJIANG, region_name
from hub.access.principal import Principal
from hub.api.deps import reading_agency, within_region
from hub.api.routes.dashboards import ISO_DAY, period, read_dashboard, read_mechanism
from hub.api.routes.dashboards import export_dashboard as api_export
from hub.api.routes.views import read_watch_page
from hub.console import i18n
from hub.console.nav import NavItem, anyone
from hub.console.session import Official, lang_of, services_of

router = APIRouter(prefix="/dashboards")
NAV = [NavItem("nav.dashboards", "/dashboards", order=30, visible=anyone)]
Region = Annotated[str | None, Query(pattern=r"^\d{2}(\d{2}){0,2}$")]
Day = Annotated[str | None, Query(pattern=ISO_DAY)]

i18n.register(
    {
        "nav.dashboards": ("数据看板", "Dashboards"),
        "dash.title": ("救助衔接数据看板", "Relief linkage dashboard"),
        "dash.region": ("地区", "Region"),
        "dash.from": ("起始日期", "From"),
        "dash.to": ("截止日期", "To"),
        "dash.show": ("查看", "Show"),
        "dash.up": ("返回上一级：{name}", "Up to {name}"),
        "dash.export": ("导出", "Export"),
        "dash.people_helped": ("救助人数", "People helped"),
        "dash.aid": ("救助总额", "Aid in all"),
        "dash.referrals": ("转介", "Referrals"),
        "dash.success": ("成功办结比例", "Completed successfully"),
        "dash.overdue": ("当前超期", "Overdue now"),
        "dash.answer": ("首次答复用时（小时）", "Hours to first answer"),
        "dash.completion": ("办结用时（天）", "Days to completion"),
        "dash.median": ("中位数", "Median"),
        "dash.p90": ("90分位", "p90"),
        "dash.by_subregion": ("分地区（点击下钻）", "By sub-region (select to drill down)"),
        "dash.subregion": ("地区", "Region"),
        "dash.cases": ("受理案件", "Cases"),
        "dash.granted": ("决定司法救助", "Judicial relief granted"),
        "dash.disbursed": ("发放司法救助", "Judicial relief disbursed"),
        "dash.social": ("社会救助", "Social aid"),
        "dash.by_status": ("转介状态", "Referrals by status"),
        "dash.by_kind": ("按接收单位类别", "Referrals by recipient agency kind"),
        "dash.amounts": ("救助金额（按来源和类别）", "Amounts by source and kind"),
        "dash.source": ("来源", "Source"),
        "dash.kind": ("类别", "Kind"),
        "dash.amount": ("金额", "Amount"),
        "dash.count": ("数量", "Count"),
        "dash.successful": ("成功办结", "Successful"),
        "dash.judicial": ("国家司法救助", "Judicial relief"),
        "dash.own_level": ("本级", "own level"),
        "dash.none": ("所选期间没有数据。", "Nothing in this period."),
        "dash.overdue_detail": (
            "超期未答复转介 {a}，超期未办结转介 {w}，超期未决定案件 {c}",
            "{a} referrals unanswered, {w} unfinished, {c} cases undecided past due",
        ),
        "dash.sla": ("超期预警", "SLA board"),
        "dash.sla.what": ("事项", "Item"),
        "dash.sla.who": ("责任单位", "Bound agency"),
        "dash.sla.deadline": ("期限", "Deadline"),
        "dash.sla.level": ("状态", "Standing"),
        "dash.sla.escalate": ("督办单位", "Escalate to"),
        "dash.sla.days": ("超期工作日", "Working days overdue"),
        "dash.sla.kind.referral": ("转介", "Referral"),
        "dash.sla.kind.case": ("司法救助案件", "Relief case"),
        "dash.sla.kind.need": ("待转介需求", "Need not yet referred"),
        "dash.sla.empty": ("没有临近或超过期限的事项。", "Nothing near or past its deadline."),
        "dash.sla.pages": ("分页", "Pages"),
        "dash.sla.shown": (
            "第 {first}–{last} 项，共 {total} 项（第 {page}/{pages} 页）",
            "Items {first}–{last} of {total} (page {page} of {pages})",
        ),
        "dash.sla.previous": ("上一页", "Previous page"),
        "dash.sla.next": ("下一页", "Next page"),
        "dash.mechanism": ("衔接机制", "Linkage mechanism"),
        "dash.members": ("成员单位", "Members"),
        "dash.sent": ("发出", "Sent"),
        "dash.received": ("收到", "Received"),
        "dash.answered": ("已答复", "Answered"),
        "dash.responsibility": ("职责", "Responsibility"),
    }
)


def _default_region(request: Request, principal: Principal) -> str:
    agency = reading_agency(principal)
    if agency is None:
        return XINJIANG
    return str(services_of(request).hub.get_agency(agency)["region_code"])


def bars(rows: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """A bar chart's rows: label, value and width in percent of the largest, to 5 % (a CSS
    class ``w0`` … ``w100``: the policy allows no inline style)."""
    top = max((v for _, v in rows), default=0)
    return [
        {"label": k, "value": v, "width": 5 * round(20 * v / top) if top else 0} for k, v in rows
    ]


@router.get("")
def dashboard_page(
    request: Request,
    principal: Official,
    region: Region = None,
    date_from: Annotated[str | None, Query(alias="from", pattern=ISO_DAY)] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=ISO_DAY)] = None,
) -> Response:
    """A region's dashboard; the sub-regions link one level down, the header one level up."""
    services = services_of(request)
    code = region or _default_region(request, principal)
    start, to = period(services, date_from, date_to)
    board = read_dashboard(services, principal, code, start, to)
    lang = lang_of(request)
    subregions = board["subregions"]
    picks = [(XINJIANG, region_name(XINJIANG))] + [
        (p, name) for p, (name, _) in PREFECTURES.items()
    ]
    if len(code) >= 4 and code[:4] in PREFECTURES:
        picks += list(PREFECTURES[code[:4]][1].items())
    referrals, amounts = board["referrals"], board["amounts"]
    charts = {
        "people": bars([(s["name"] or s["code"], s["people_helped"]) for s in subregions]),
        "status": bars(
            [(i18n.t(f"status.{k}", lang), v) for k, v in referrals["by_status"].items()]
        ),
        "kind": bars(
            [
                (i18n.t(f"kind.{k}", lang), v["total"])
                for k, v in referrals["by_agency_kind"].items()
            ]
        ),
        "amounts": bars(
            [
                (i18n.t("dash.granted", lang), amounts["judicial"]["granted_fen"]),
                (i18n.t("dash.disbursed", lang), amounts["judicial"]["disbursed_fen"]),
                *(
                    (i18n.t(f"provision.{k}", lang), v)
                    for k, v in amounts["social"]["by_kind"].items()
                ),
            ]
        ),
    }
    query = f"region={code}&from={start}&to={to}"
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "dashboards/region.html",
        board=board,
        charts=charts,
        picks=picks,
        code=code,
        query=query,
        freshness=board["freshness"],
    )


@router.get("/export")
def export(
    request: Request,
    principal: Official,
    region: Region = None,
    date_from: Annotated[str | None, Query(alias="from", pattern=ISO_DAY)] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=ISO_DAY)] = None,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
) -> Response:
    """The dashboard's tables as the API's export gives them, in the page's language."""
    code = region or _default_region(request, principal)
    return api_export(
        code, services_of(request), principal, date_from, date_to, format, lang_of(request)
    )


SLA_PAGE = 50  # items on a page of the SLA board


@router.get("/sla")
def sla_board(
    request: Request,
    principal: Official,
    region: Region = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """The SLA board: the region's counts of referrals, cases and needs near (amber) or past
    (red) their deadline, and a page of them, with whom to escalate to."""
    services = services_of(request)
    code = region or _default_region(request, principal)
    within_region(services.hub, principal, code)
    found = read_watch_page(services, code, None, SLA_PAGE, (page - 1) * SLA_PAGE)
    pages = max(1, -(-found["total"] // SLA_PAGE))
    if page > pages:  # past the end (the list got shorter): its last page
        page = pages
        found = read_watch_page(services, code, None, SLA_PAGE, (page - 1) * SLA_PAGE)
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "dashboards/sla.html",
        items=found["items"],
        counts=found["counts"],
        total=found["total"],
        first=found["offset"] + 1,
        last=found["offset"] + len(found["items"]),
        page=page,
        pages=pages,
        code=code,
        name=region_name(code) or code,
        freshness=found["freshness"],
    )


@router.get("/mechanisms/{mechanism_id}")
def mechanism_page(
    request: Request,
    principal: Official,
    mechanism_id: UUID,
    date_from: Annotated[str | None, Query(alias="from", pattern=ISO_DAY)] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=ISO_DAY)] = None,
) -> Response:
    """A mechanism's members, the referrals among them, and how fast each answers."""
    found = read_mechanism(services_of(request), principal, mechanism_id, date_from, date_to)
    return request.app.state.pages.render(  # type: ignore[no-any-return]
        request,
        "dashboards/mechanism.html",
        m=found,
        chart=bars([(x["name"], x["received"]) for x in found["members"]]),
        freshness=found["freshness"],
    )
