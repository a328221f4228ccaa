"""``hub report …``: reports for officials from the views, in Simplified Chinese (``--lang en``).

``hub report fall-through`` lists the people who may fall through between agencies (可能脱节):
an open need and no live referral, per owning agency and region, from the ``fall_through``
view (kept by ``hub projections run``). People are named by id only.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from hub.cli.common import DataDir, Lang, console, fail, settings_for

report_app = typer.Typer(help="报表 Reports for officials", no_args_is_help=True)

LABELS = {
    "zh": {
        "title": "可能脱节人员（有未解决需求且无在办转介）",
        "person": "当事人编号",
        "agency": "责任单位",
        "region": "地区",
        "needs": "未解决需求",
        "since": "自",
        "none": "没有可能脱节的人员。",
        "people": "人数",
        "by_agency": "按责任单位",
        "by_region": "按地区",
        "behind": "视图落后日志 {n} 条事件",
        "not_built": "视图 fall_through 尚未建立：请运行 hub projections run 或 "
        "hub projections rebuild fall_through",
    },
    "en": {
        "title": "May fall through (an open need and no live referral)",
        "person": "person id",
        "agency": "owning agency",
        "region": "region",
        "needs": "open needs",
        "since": "since",
        "none": "Nobody may fall through.",
        "people": "people",
        "by_agency": "by agency",
        "by_region": "by region",
        "behind": "the view is {n} events behind the log",
        "not_built": "the fall_through view is not built yet: run hub projections run or "
        "hub projections rebuild fall_through",
    },
}
SOURCES = {
    "zh": {"follow-up": "回访发现", "refused": "不予救助未移送", "referral-ended": "转介未果"},
    "en": {
        "follow-up": "found at follow-up",
        "refused": "refused, not referred on",
        "referral-ended": "referral ended unhelped",
    },
}


def _need(need: dict[str, Any], lang: str) -> str:
    source = SOURCES[lang].get(need["source"], need["source"])
    return f"{source}: {need['need']} ({need['found_on']})"


@report_app.command("fall-through")
def fall_through_report(
    data_dir: DataDir = None,
    lang: Lang = "zh",
    region: Annotated[str | None, typer.Option("--region", help="GB/T 2260 code")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="owning agency id")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
) -> None:
    """People who may fall through between agencies, per owning agency and region."""
    from hub.bootstrap import open_views
    from projections.fall_through import may_fall_through

    if lang not in LABELS:
        fail(f"--lang is zh or en, not {lang!r}")
    if region is not None and not (region.isdigit() and len(region) in (2, 4, 6)):
        fail(f"region {region!r}: 2, 4 or 6 digits (GB/T 2260)")
    labels = LABELS[lang]
    store = open_views(settings_for(data_dir))
    try:
        answer = may_fall_through(store, region_code=region, agency_id=agency)
    except LookupError:
        fail(labels["not_built"])
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False))
        return
    console.print(labels["title"])
    if not answer["items"]:
        console.print(labels["none"])
    else:
        table = Table()
        for column in ("person", "agency", "region", "needs", "since"):
            table.add_column(labels[column])
        for item in answer["items"]:
            owners = {n["agency_id"]: n for n in item["needs"]}
            table.add_row(
                item["person_id"],
                "\n".join(n["agency_name"] or a for a, n in owners.items()),
                "\n".join(sorted({n["region_code"] for n in item["needs"]})),
                "\n".join(_need(n, lang) for n in item["needs"]),
                item["since"],
            )
        console.print(table)
    counts = answer["counts"]
    console.print(f"{labels['people']}: {counts['people']}")
    for key in ("by_agency", "by_region"):
        if counts[key]:
            listed = ", ".join(f"{k}: {v}" for k, v in counts[key].items())
            console.print(f"{labels[key]}: {listed}")
    behind = answer["freshness"].get("behind")
    if behind:
        console.print(labels["behind"].format(n=behind))
