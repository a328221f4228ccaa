"""Reading a filled-in answers file: every row checked, good rows turned into replies.

A row answers one referral with one word (接收, 受理, 拒绝, 办结, 未能办结). Each problem is
reported on its row in Chinese with English beside it: unknown referral, unknown word, a
rejection or failure without a reason, an amount that is not a number of yuan with at most
two decimals and at most 100,000,000 yuan, an unknown kind of aid, money without an amount,
the referral already closed,
a referral answered twice. Several 办结 rows of one referral add up to one outcome with
several provisions. Amounts become integer fen through :class:`~decimal.Decimal`.

An answer may need more than one step at the hub (受理 then 办结 of a referral only
received): the replies come in order, each keyed by (agency, referral, action, ``"batch"``),
so importing the same file again sends the same keys and changes nothing.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl.utils.exceptions import InvalidFileException

from connectors.batch.files import read_table
from connectors.batch.labels import (
    ACTION_WORDS,
    ACTION_WORDS_EN,
    AID_KINDS,
    CLOSED,
    KEY_BY_HEADER,
    STATUSES,
)
from connectors.batch.ledger import Known, Ledger
from connectors.records import Outcome, Provision, Reply, idempotency_key

Problem = tuple[str, str]  # (Chinese, English)

STEPS: dict[str, dict[str, list[str]]] = {
    "receive": {"requested": ["receive"]},
    "accept": {"requested": ["accept"], "received": ["accept"]},
    "reject": {"requested": ["reject"], "received": ["reject"]},
    "complete": {
        "requested": ["accept", "complete"],
        "received": ["accept", "complete"],
        "accepted": ["complete"],
        "in-progress": ["complete"],
        "on-hold": ["resume", "complete"],
    },
    "fail": {
        "requested": ["accept", "fail"],
        "received": ["accept", "fail"],
        "accepted": ["fail"],
        "in-progress": ["fail"],
        "on-hold": ["fail"],
    },
}
DONE_ALREADY = {
    "receive": {"received", "accepted", "in-progress", "on-hold"},
    "accept": {"accepted", "in-progress", "on-hold"},
}
WORD_ZH = {action: word for word, action in ACTION_WORDS.items()}


@dataclass
class Checked:
    """One row: what it asks, its problems, and (when good) the replies it stands for."""

    row: int
    referral_id: str
    action: str = ""
    on_behalf_of: str | None = None
    reason: str | None = None
    provisions: list[Provision] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    note: Problem | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def check_file(
    path: Path, ledger: Ledger, agency_id: str, default_note: str | None
) -> tuple[list[Checked], list[Problem]]:
    """The rows of ``path`` (CSV or XLSX) checked; and the problems of the file as a whole."""
    try:
        headers, rows = read_table(path)
        return check_table(headers, rows, ledger, agency_id, default_note)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as error:
        return [], [("无法读取文件", f"the file cannot be read: {type(error).__name__}")]


def check_table(
    headers: list[str],
    rows: Iterable[tuple[int, list[Any]]],
    ledger: Ledger,
    agency_id: str,
    default_note: str | None,
) -> tuple[list[Checked], list[Problem]]:
    """Numbered rows under ``headers`` checked; and the problems of the table as a whole."""
    keys = [KEY_BY_HEADER.get(h) for h in headers]
    missing = [k for k in ("referral_id", "answer") if k not in keys]
    if missing:
        return [], [("缺少“转介编号”或“处理结果”列", "the referral ID or answer column is missing")]
    checked: list[Checked] = []
    for number, cells in rows:
        values = {k: cells[i] for i, k in enumerate(keys) if k and i < len(cells)}
        if any(_text(values.get(k)) for k in ("answer", "reason", "kind", "amount", "provider")):
            checked.append(_check_row(number, values, ledger, default_note))
    _merge(checked)
    for c in checked:
        if c.ok and not c.note:
            _plan(c, ledger.get(c.referral_id), agency_id)
    return checked, []


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _check_row(
    number: int, values: dict[str, Any], ledger: Ledger, on_behalf_of: str | None
) -> Checked:
    c = Checked(number, _text(values.get("referral_id")).lower())
    known = ledger.get(c.referral_id) if c.referral_id else None
    if not c.referral_id:
        c.problems.append(("缺少转介编号", "the referral ID is missing"))
    elif known is None:
        c.problems.append(
            ("未知的转介编号（不在导出的文件中）", "unknown referral (never exported)")
        )
    word = _text(values.get("answer"))
    c.action = ACTION_WORDS.get(word) or (word.lower() if word.lower() in ACTION_WORDS_EN else "")
    if not word:
        c.problems.append(("未填写处理结果", "the answer is missing"))
    elif not c.action:
        allowed = "、".join(ACTION_WORDS)
        c.problems.append(
            (f"处理结果“{word}”无法识别，应为：{allowed}", f"unknown answer {word!r}")
        )
    c.reason = _text(values.get("reason")) or None
    if c.action in ("reject", "fail") and not c.reason:
        c.problems.append((f"{word}须填写原因", f"a reason is required to {c.action}"))
    c.on_behalf_of = _text(values.get("on_behalf_of")) or on_behalf_of
    if len(c.on_behalf_of or "") > 200 or len(c.reason or "") > 2000:
        c.problems.append(("经办人或原因过长", "the handler or the reason is too long"))
    aid = ("kind", "amount", "provider", "description")
    if any(_text(values.get(k)) for k in aid):
        if c.action not in ("complete", "fail", ""):
            c.problems.append(
                ("只有办结或未能办结可填写救助内容", "aid only with complete or fail")
            )
        provision = _provision(values, known, c)
        if provision is not None:
            c.provisions.append(provision)
    return c


def _provision(values: dict[str, Any], known: Known | None, c: Checked) -> Provision | None:
    """The aid the row gives, or ``None`` when the row has problems (then it sends nothing)."""
    parts = {k: values.get(k) for k in ("kind", "amount", "provider", "description")}
    kind_word = _text(parts["kind"])
    amount = _amount(parts["amount"], c)
    kind = AID_KINDS.get(kind_word) or (kind_word if kind_word in AID_KINDS.values() else "")
    if not kind_word and amount is not None:
        kind = "money"
    elif not kind_word:
        c.problems.append(("请填写救助形式", "the kind of aid is missing"))
    elif not kind:
        allowed = "、".join(AID_KINDS)
        c.problems.append(
            (f"救助形式“{kind_word}”无法识别，应为：{allowed}", f"unknown kind {kind_word!r}")
        )
    if kind == "money" and _text(parts["amount"]) == "":
        c.problems.append(("资金救助须填写金额", "money needs an amount"))
    provider = _text(parts["provider"]) or (known.recipient if known else "")
    if not provider and known is not None:
        c.problems.append(("请填写提供方", "the provider is missing"))
    if c.problems:
        return None
    return Provision(kind, provider, amount, _text(parts["description"]))


#: the hub's ceiling on any amount (100,000,000 yuan in fen; docs/glossary.md): a file beyond
#: it is refused here, row by row, rather than dead-lettered by the hub
MAX_AMOUNT_FEN = 10_000_000_000


def _amount(value: Any, c: Checked) -> int | None:
    """Yuan in the file → integer fen; ``None`` when empty; a problem when not a valid amount."""
    if value is None or isinstance(value, bool) or _text(value) == "":
        return None
    if isinstance(value, float):
        text = repr(value)
    else:
        text = _text(value)
        for noise in (",", "，", "元", "¥", "￥", " "):
            text = text.replace(noise, "")
    try:
        yuan = Decimal(text)
    except InvalidOperation:
        c.problems.append(
            (f"金额“{_text(value)}”不是数字", f"the amount {_text(value)!r} is not a number")
        )
        return None
    if not yuan.is_finite() or yuan <= 0:
        c.problems.append(("金额必须大于零", "the amount must be more than zero"))
        return None
    fen = yuan * 100
    if fen != fen.to_integral_value():
        c.problems.append(("金额最多两位小数（到分）", "the amount has more than two decimals"))
        return None
    if fen > MAX_AMOUNT_FEN:
        c.problems.append(("金额不得超过一亿元", "the amount must be at most 100,000,000 yuan"))
        return None
    return int(fen)


def _merge(checked: list[Checked]) -> None:
    """Later rows of a referral: more provisions of one 办结, or a problem."""
    first: dict[str, Checked] = {}
    for c in checked:
        if not c.referral_id:
            continue
        earlier = first.setdefault(c.referral_id, c)
        if earlier is c:
            continue
        if c.action == earlier.action == "complete" and c.ok and c.provisions:
            earlier.provisions += c.provisions
            c.note = (f"并入第{earlier.row}行", f"merged into row {earlier.row}")
        elif c.ok:
            c.problems.append(
                (f"与第{earlier.row}行重复", f"answers the same referral as row {earlier.row}")
            )


def _plan(c: Checked, known: Known | None, agency_id: str) -> None:
    """The replies that take the referral from its known status to the answer."""
    assert known is not None  # checked in _check_row
    word = WORD_ZH[c.action]
    status_zh = STATUSES.get(known.status, known.status)
    if known.status in DONE_ALREADY.get(c.action, ()):
        c.note = (f"已是{status_zh}，无需提交", f"already {known.status}: nothing to send")
        return
    if known.status in CLOSED:
        c.problems.append(
            (f"该转介已结束（{status_zh}）", f"the referral is closed ({known.status})")
        )
        return
    steps = STEPS[c.action].get(known.status)
    if steps is None:
        c.problems.append(
            (f"{status_zh}的转介不能{word}", f"cannot {c.action} a referral {known.status}")
        )
        return
    outcome = None
    if c.action in ("complete", "fail"):
        successful = c.action == "complete"
        outcome = Outcome(successful, tuple(c.provisions), None if successful else c.reason)
    for action in steps:
        final = action == c.action
        c.replies.append(
            Reply(
                idempotency_key(agency_id, c.referral_id, action, "batch"),
                agency_id,
                c.referral_id,
                action,
                c.on_behalf_of,
                c.reason if final and action in ("reject", "fail") else None,
                outcome if final else None,
            )
        )
