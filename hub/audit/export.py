"""Exports of a case replay: JSON Lines, and a PDF report an auditor can file (卷宗).

The PDF is written for people (:mod:`hub.audit.reading`): agencies and officials by name,
events and fields in Chinese (English with ``lang="en"``), amounts in 元, business dates, and
on every page the case, the as-of time, the verification result and "page n of N". Its one
font is a Chinese TrueType font embedded as a subset (:mod:`hub.audit.fonts`), so poppler,
Acrobat and a printer draw every character; it is made archival (PDF/A-2B) by
:mod:`hub.audit.pdfa`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from domain.officials import describe
from hub.audit.reading import CHINA, read_replay, word


def who(entry: dict[str, Any], lang: str) -> str:
    """Who acted on a replayed event: the official's name and roles (or the connector, the
    break-glass operator); for an event from before officials, the free text it recorded.
    The step's on-behalf-of note follows, when it has one: 胡磊（承办检察官）代张某."""
    by = entry.get("by")
    if not by:
        return "-"
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


def to_pdf(replay: dict[str, Any], lang: str = "zh", made: datetime | None = None) -> bytes:
    """The replay as an archival PDF report in ``lang``; ``made`` is the time printed on it
    (now by default). Raises :class:`hub.audit.fonts.ReportFontMissing` without a font."""
    from hub.audit.pdfa import archival
    from hub.audit.pdfpages import render

    made = (made or datetime.now(CHINA)).astimezone(CHINA)
    reading = read_replay(replay, lang)
    title = f"{word('title', lang)} — {replay['case_id']}"
    return archival(render(reading, made, title), title=title, lang=lang, made=made)
