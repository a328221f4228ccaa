"""The audit report's pages (ReportLab): the heading facts, the referrals, the events, and on
every page a header (title, case, as-of time) and a footer (verification, when made, page n of
N). Every string is drawn in the one embedded Chinese font (:mod:`hub.audit.fonts`), the
canvas's initial font too, so the file names no font it does not embed.
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hub.audit.fonts import report_font
from hub.audit.reading import Reading, word
from hub.audit.words import FIELDS, say

WIDTH, HEIGHT = A4
MARGIN = 15 * mm
GREEN = colors.HexColor("#1b5e20")
RED = colors.HexColor("#b71c1c")
GRID = colors.HexColor("#9e9e9e")
SHADE = colors.HexColor("#eeeeee")


def markup(text: str) -> str:
    """Plain text as a paragraph's markup: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


class ReportCanvas(Canvas):  # type: ignore[misc]  # ReportLab is untyped
    """A canvas that draws the header and footer once it knows how many pages there are."""

    def __init__(self, *args: Any, furniture: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.furniture = furniture
        self.pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self.pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, state in enumerate(self.pages, start=1):
            self.__dict__.update(state)
            self.draw_furniture(number, len(self.pages))
            super().showPage()
        super().save()

    def draw_furniture(self, number: int, total: int) -> None:
        f, lang = self.furniture, self.furniture["lang"]
        sep = "：" if lang == "zh" else ": "
        font = report_font()
        self.saveState()
        self.setFont(font, 9)
        self.setFillColor(colors.black)
        top = HEIGHT - 10 * mm
        self.drawString(MARGIN, top, f["title"])
        self.drawRightString(WIDTH - MARGIN, top, f"{word('as_of', lang)}{sep}{f['as_of']}")
        self.setFont(font, 7.5)
        self.drawString(MARGIN, top - 11, f"{word('case', lang)} {f['case_id']}")
        self.setStrokeColor(GRID)
        self.line(MARGIN, top - 15, WIDTH - MARGIN, top - 15)
        bottom = 9 * mm
        self.line(MARGIN, bottom + 10, WIDTH - MARGIN, bottom + 10)
        self.setFillColor(GREEN if f["verified"] else RED)
        self.drawString(MARGIN, bottom, f"{word('verification', lang)}{sep}{f['verification']}")
        self.setFillColor(colors.black)
        self.drawCentredString(
            WIDTH / 2, bottom, f"{word('made', lang)} {f['made']} {word('china_time', lang)}"
        )
        page = word("page", lang).format(n=number, of=total)
        self.drawRightString(WIDTH - MARGIN, bottom, page)
        self.restoreState()


def _table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), report_font()),
        ("GRID", (0, 0), (-1, -1), 0.25, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    table.setStyle(TableStyle(style))
    return table


def render(reading: Reading, made: datetime, title: str) -> bytes:
    """The report's pages as a PDF (not yet archival: see :mod:`hub.audit.pdfa`)."""
    font = report_font()
    lang = reading.lang
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=10.5, wordWrap="CJK")
    heading = ParagraphStyle("heading", fontName=font, fontSize=11, leading=15, spaceBefore=6)
    big = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(markup(text), style)

    usable = WIDTH - 2 * MARGIN
    colour = "#1b5e20" if reading.verified else "#b71c1c"
    verdict = Paragraph(f'<font color="{colour}">{markup(reading.verification)}</font>', body)
    facts = [[p(k), p(v)] for k, v in reading.facts]
    facts.append([p(word("verification", lang)), verdict])
    if reading.findings:
        facts.append([p(word("findings", lang)), p("\n".join(reading.findings))])
    story: list[Any] = [
        p(word("title", lang), big),
        Spacer(1, 4),
        _table(facts, [36 * mm, usable - 36 * mm], header=False),
    ]
    if reading.referrals:
        head = (
            ["转出单位", "接收单位", "方向", "状态", "答复期限", "办理结果"]
            if lang == "zh"
            else ["From", "To", "Direction", "Status", "Due", "Outcome"]
        )
        rows = [[p(h) for h in head]] + [[p(c) for c in r] for r in reading.referrals]
        widths = [34 * mm, 34 * mm, 26 * mm, 18 * mm, 20 * mm]
        story += [
            p(word("referrals", lang), heading),
            _table(rows, [*widths, usable - sum(widths)]),
        ]
    head = [word(k, lang) for k in ("no", "business_day", "recorded_at", "event", "who", "details")]
    rows = [[p(h) for h in head]]
    for r in reading.rows:
        sep = "：" if lang == "zh" else ": "
        lines = [f"{k}{sep}{v}" for k, v in r.details]
        if r.late:
            lines.append(f"{say(FIELDS, 'backdate_reason', lang)}{sep}{r.late}")
        details = "\n".join(lines)
        rows.append(
            [
                p(str(r.number)),
                p(r.business_day),
                p(r.recorded_at),
                p(r.event),
                p("\n".join(r.who)),
                p(details),
            ]
        )
    widths = [8 * mm, 21 * mm, 21 * mm, 24 * mm, 34 * mm]
    story += [p(word("timeline", lang), heading), _table(rows, [*widths, usable - sum(widths)])]
    furniture = {
        "lang": lang,
        "title": word("title", lang),
        "case_id": next(v for k, v in reading.facts if k == word("case", lang)),
        "as_of": reading.as_of,
        "verification": reading.verification,
        "verified": reading.verified,
        "made": made.strftime("%Y-%m-%d %H:%M:%S"),
    }
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="referral hub",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=16 * mm,
        invariant=True,
        initialFontName=font,
        initialFontSize=8,
        initialLeading=10,
    )
    doc.build(story, canvasmaker=partial(ReportCanvas, furniture=furniture))
    return buffer.getvalue()
