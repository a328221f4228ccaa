"""Checking an answers table: each kind of bad row, amounts in fen, the steps to send."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.batch.answers import check_table
from connectors.batch.labels import HEADERS
from connectors.batch.ledger import Ledger
from connectors.records import idempotency_key
from tests.unit.connectors.rows import AGENCY, known, row


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    book = Ledger(Path(":memory:"))
    yield book
    book.close()


def check(ledger: Ledger, *rows: list[Any]):  # type: ignore[no-untyped-def]
    checked, problems = check_table(list(HEADERS), enumerate(rows, start=2), ledger, AGENCY, "批量")
    assert problems == []
    return checked


def test_a_good_completion_becomes_accept_then_complete_in_fen(ledger: Ledger) -> None:
    referral = known(ledger)
    [c] = check(
        ledger, row(referral, "办结", kind="资金", amount="1,500.50", description="临时救助")
    )
    assert c.ok and [r.action for r in c.replies] == ["accept", "complete"]
    accept, complete = c.replies
    assert accept.idempotency_key == idempotency_key(AGENCY, referral, "accept", "batch")
    assert accept.outcome is None and accept.on_behalf_of == "批量"
    assert complete.outcome is not None and complete.outcome.successful
    [provision] = complete.outcome.provisions
    assert (provision.kind, provision.amount_fen, provision.provider) == (
        "money",
        150050,
        "新源县民政局",
    )


@pytest.mark.parametrize(
    ("amount", "fen"), [(2000, 200000), (1234.56, 123456), ("￥88.8元", 8880), (0.1, 10)]
)
def test_amounts_in_yuan_from_either_kind_of_cell_become_exact_fen(
    ledger: Ledger, amount: Any, fen: int
) -> None:
    [c] = check(ledger, row(known(ledger), "办结", amount=amount))
    assert c.ok and c.replies[-1].outcome.provisions[0].amount_fen == fen  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("cells", "english"),
    [
        ({"answer": "同意"}, "unknown answer"),
        ({"answer": "拒绝"}, "a reason is required to reject"),
        ({"answer": "未能办结"}, "a reason is required to fail"),
        ({"answer": "办结", "amount": "三千"}, "is not a number"),
        ({"answer": "办结", "amount": "-5"}, "more than zero"),
        ({"answer": "办结", "amount": "1.234"}, "more than two decimals"),
        ({"answer": "办结", "amount": "100000000.01"}, "at most 100,000,000 yuan"),
        ({"answer": "办结", "amount": 1e30}, "at most 100,000,000 yuan"),
        ({"answer": "办结", "kind": "资金"}, "money needs an amount"),
        ({"answer": "办结", "kind": "房子"}, "unknown kind"),
        ({"answer": "受理", "kind": "资金", "amount": "10"}, "aid only with complete or fail"),
        ({"answer": "", "reason": "说明了原因"}, "the answer is missing"),
    ],
)
def test_each_bad_row_is_reported_in_chinese_and_english(
    ledger: Ledger, cells: dict[str, Any], english: str
) -> None:
    answer = cells.pop("answer")
    [c] = check(ledger, row(known(ledger), answer, **cells))
    assert not c.ok and not c.replies
    assert any(english in en and zh for zh, en in c.problems), c.problems


def test_unknown_and_closed_referrals_and_impossible_steps(ledger: Ledger) -> None:
    closed = known(ledger, "completed")
    accepted = known(ledger, "accepted")
    unknown, done, no_reject = check(
        ledger,
        row("3f0c0b0e-0000-4000-8000-00000000dead", "受理"),
        row(closed, "受理"),
        row(accepted, "拒绝", reason="不属于本单位"),
    )
    assert unknown.problems == [
        ("未知的转介编号（不在导出的文件中）", "unknown referral (never exported)")
    ]
    assert done.problems == [("该转介已结束（已办结）", "the referral is closed (completed)")]
    assert no_reject.problems == [("已受理的转介不能拒绝", "cannot reject a referral accepted")]


def test_already_done_sends_nothing_and_rows_of_one_completion_merge(ledger: Ledger) -> None:
    accepted = known(ledger, "accepted")
    referral = known(ledger)
    again, first, second, clash = check(
        ledger,
        row(accepted, "受理"),
        row(referral, "办结", kind="资金", amount="100"),
        row(referral, "办结", kind="就业岗位", provider="某企业"),
        row(referral, "拒绝", reason="x"),
    )
    assert again.ok and not again.replies and again.note is not None
    assert second.ok and not second.replies and second.note == ("并入第3行", "merged into row 3")
    kinds = [p.kind for p in first.replies[-1].outcome.provisions]  # type: ignore[union-attr]
    assert kinds == ["money", "job"]
    assert clash.problems == [("与第3行重复", "answers the same referral as row 3")]


def test_a_table_without_the_answer_column_is_refused(ledger: Ledger) -> None:
    checked, problems = check_table(["转介编号", "备注"], iter([]), ledger, AGENCY, "x")
    assert checked == [] and problems
