"""The Chinese font the audit report embeds (报告字体).

ReportLab embeds TrueType outlines only (not the CFF outlines of Noto CJK), subsetting what a
report uses. The report takes WenQuanYi Zen Hei (文泉驿正黑) from Debian's
``fonts-wqy-zenhei`` (GPL-2 with the font embedding exception), else AR PL UMing (文鼎明体)
from ``fonts-arphic-uming``; ``scripts/setup.sh`` installs the first. Both cover Latin
letters and digits, so a report uses no other font and every glyph it draws is embedded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont


@dataclass(frozen=True)
class FontFile:
    """A TrueType collection and which font of it to use."""

    path: Path
    index: int
    package: str


CANDIDATES = (
    FontFile(Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0, "fonts-wqy-zenhei"),
    FontFile(Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0, "fonts-arphic-uming"),
)
#: the name the report's styles use
REPORT_FONT = "HubReportCJK"


class ReportFontMissing(RuntimeError):
    """No Chinese font to embed: the report would show blanks, so none is made."""


def report_font() -> str:
    """Registers the report's font (once) and returns its name; ReportLab embeds a subset."""
    if REPORT_FONT in pdfmetrics.getRegisteredFontNames():
        return REPORT_FONT
    for candidate in CANDIDATES:
        if candidate.path.is_file():
            font = TTFont(REPORT_FONT, str(candidate.path), subfontIndex=candidate.index)
            pdfmetrics.registerFont(font)
            return REPORT_FONT
    wanted = " or ".join(c.package for c in CANDIDATES)
    raise ReportFontMissing(
        f"no Chinese font to embed in the PDF report: install the Debian package {wanted} "
        "(scripts/setup.sh does)"
    )
