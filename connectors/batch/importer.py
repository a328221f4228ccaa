"""Applying a checked answers file through the reply sink, and the per-row report.

Good rows are sent in file order; bad rows are not sent. A row the hub refuses (over HTTP,
a 4xx) is reported with the hub's problem type. When the hub or broker is unreachable the
import stops: rows sent so far stay sent, the rest are reported as not sent, and running the
import again is safe (same idempotency keys). The report is a list of :class:`RowResult`
and, for the official, a CSV (UTF-8 with BOM) with 行号 Row, 转介编号 Referral ID,
结果 Result, 说明 Detail.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from connectors.batch.answers import Checked, Problem
from connectors.errors import ReplyRefused, Retryable
from connectors.sinks import ReplySink

APPLIED = ("已提交", "applied")
NOTHING = ("无需提交", "nothing to send")
REJECTED = ("错误，未提交", "error, not applied")
REFUSED = ("中心拒绝", "refused by the hub")
NOT_SENT = ("未提交（中心不可达，请稍后重新导入）", "not sent: hub unreachable, import again later")


@dataclass(frozen=True)
class RowResult:
    row: int
    referral_id: str
    result: Problem
    details: tuple[Problem, ...] = ()

    @property
    def applied(self) -> bool:
        return self.result == APPLIED

    def text(self) -> str:
        return "；".join(f"{zh} / {en}" for zh, en in self.details)


def apply(checked: list[Checked], sink: ReplySink) -> list[RowResult]:
    results: list[RowResult] = []
    unreachable = False
    for c in checked:
        if not c.ok:
            results.append(RowResult(c.row, c.referral_id, REJECTED, tuple(c.problems)))
        elif not c.replies:
            results.append(RowResult(c.row, c.referral_id, NOTHING, (c.note,) if c.note else ()))
        elif unreachable:
            results.append(RowResult(c.row, c.referral_id, NOT_SENT))
        else:
            try:
                for reply in c.replies:
                    sink.send(reply)
            except Retryable:
                unreachable = True
                results.append(RowResult(c.row, c.referral_id, NOT_SENT))
            except ReplyRefused as refused:
                detail = (f"{refused.problem}：{refused.detail}", refused.problem)
                results.append(RowResult(c.row, c.referral_id, REFUSED, (detail,)))
            else:
                results.append(RowResult(c.row, c.referral_id, APPLIED))
    return results


def write_report(results: list[RowResult], path: Path) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["行号 Row", "转介编号 Referral ID", "结果 Result", "说明 Detail"])
        for r in results:
            writer.writerow([r.row, r.referral_id, f"{r.result[0]} / {r.result[1]}", r.text()])
    return path
