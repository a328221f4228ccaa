"""Exports of a case replay: JSON Lines, and a PDF report for the file (卷宗).

The PDF uses ReportLab's built-in CJK font (STSong-Light), so no font file is needed.
"""

from __future__ import annotations

import io
import json
from typing import Any

import orjson

from domain.officials import describe

TITLE = {"zh": "案件回溯报告", "en": "Case replay report"}
HEAD = {
    "zh": ("时间", "版本", "事件", "经办", "内容"),
    "en": ("at", "version", "event", "who", "details"),
}


def who(entry: dict[str, Any], lang: str) -> str:
    """Who acted on a replayed event: the official's name and roles (or the connector, the
    break-glass operator); for an event from before officials, the free text it recorded.
    The step's on-behalf-of note follows, when it has one: 胡磊（承办检察官）代张某."""
    by = entry.get("by")
    if not by:
        return json.dumps(entry.get("who", {}), ensure_ascii=False)
    if by["kind"] == "recorded":
        return f"{by['name']}（{'记录' if lang == 'zh' else 'as recorded'}）"
    acted = describe(by["name"], by["roles"], lang)
    note = entry.get("on_behalf_of")
    if not note:
        return acted
    return f"{acted}代{note}" if lang == "zh" else f"{acted} on behalf of {note}"


def to_jsonl(replay: dict[str, Any]) -> bytes:
    """One line for the case summary and verification, then one line per event."""
    head = {k: v for k, v in replay.items() if k != "events"}
    lines = [orjson.dumps({"record": "case", **head})]
    lines += [orjson.dumps({"record": "event", **e}) for e in replay["events"]]
    return b"\n".join(lines) + b"\n"


def to_pdf(replay: dict[str, Any], lang: str = "zh") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=8, leading=10)
    title = ParagraphStyle("title", fontName="STSong-Light", fontSize=14, leading=18)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=TITLE[lang])
    verification = replay["verification"]
    ok = (
        ("通过" if verification["ok"] else "未通过")
        if lang == "zh"
        else ("passed" if verification["ok"] else "FAILED")
    )
    case = replay["case"] or {}
    story: list[Any] = [
        Paragraph(f"{TITLE[lang]} — {replay['case_id']}", title),
        Paragraph(
            f"as of: {replay['as_of'] or 'now'} ({replay.get('as_of_basis', 'recorded')}) · stage: {case.get('stage')} · "
            f"granted: {case.get('granted_fen', 0) / 100:.2f} · "
            f"disbursed: {case.get('disbursed_fen', 0) / 100:.2f} · "
            f"verification: {ok} ({verification['checked']})",
            body,
        ),
        Spacer(1, 8),
    ]
    rows = [[Paragraph(h, body) for h in HEAD[lang]]]
    for e in replay["events"]:
        details = json.dumps(e["details"], ensure_ascii=False)
        rows.append(
            [
                Paragraph(e["at"][:19], body),
                Paragraph(str(e["version"]), body),
                Paragraph(f"{e['kind']}.{e['event']}", body),
                Paragraph(who(e, lang), body),
                Paragraph(details[:600], body),
            ]
        )
    table = Table(rows, colWidths=[90, 40, 130, 160, 380], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buffer.getvalue()
